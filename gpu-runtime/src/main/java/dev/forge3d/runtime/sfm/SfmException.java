package dev.forge3d.runtime.sfm;

import java.util.List;

/**
 * Structure from motion could not produce a usable model: too few photos, no overlapping pairs, or images that
 * could not be placed. {@link #images()} names the photos concerned so the caller (CLI, worker) can say which.
 */
public class SfmException extends RuntimeException {

    private final List<String> images;

    public SfmException(String message, List<String> images) {
        super(message);
        this.images = List.copyOf(images);
    }

    /** The photos the failure is about (those not placed, or all of them when nothing overlapped). */
    public List<String> images() { return images; }
}
