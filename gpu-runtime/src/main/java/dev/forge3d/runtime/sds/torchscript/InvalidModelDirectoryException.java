package dev.forge3d.runtime.sds.torchscript;

/** A model directory that cannot serve as a diffusion prior; the message says what is missing or broken. */
public class InvalidModelDirectoryException extends IllegalArgumentException {

    public InvalidModelDirectoryException(String message) {
        super(message);
    }

    public InvalidModelDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
