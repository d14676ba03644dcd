package dev.forge3d.runtime.progress;

/** Thrown by a computation that noticed {@link ProgressListener#cancelRequested()}. */
public class CancelledException extends RuntimeException {
    public CancelledException() {
        super("canceled");
    }
}
