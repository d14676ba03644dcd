package dev.forge3d.worker.client;

/**
 * One input of a leased job, as listed in the lease.
 *
 * @param name      relative path, e.g. {@code images/a.jpg}
 * @param size      bytes
 * @param sha256    lowercase hex, may be null when the server did not compute it
 * @param mediaType e.g. {@code image/jpeg}
 */
public record InputFile(String name, long size, String sha256, String mediaType) {
}
