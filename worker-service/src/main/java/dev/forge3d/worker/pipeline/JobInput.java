package dev.forge3d.worker.pipeline;

import java.nio.file.Path;

/**
 * An input of the job on local disk.
 *
 * @param name      relative name as the API lists it, e.g. {@code images/a.jpg}
 * @param path      the downloaded file
 * @param size      bytes
 * @param sha256    lowercase hex, as verified after download
 * @param mediaType as the API lists it (may be null)
 */
public record JobInput(String name, Path path, long size, String sha256, String mediaType) {
}
