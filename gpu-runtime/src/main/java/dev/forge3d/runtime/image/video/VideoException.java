package dev.forge3d.runtime.image.video;

/** A video that cannot be turned into photos, with a reason the person who filmed it can act on. */
public final class VideoException extends RuntimeException {
    public VideoException(String message) {
        super(message);
    }
}
