package dev.forge3d.runtime.image.heif;

/** A HEIC/HEIF photo that cannot be decoded, with a reason the photographer (or the worker's operator) can act on. */
public final class HeifException extends RuntimeException {
    public HeifException(String message) {
        super(message);
    }
}
