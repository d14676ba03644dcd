package dev.forge3d.worker.pipeline;

/**
 * A stage could not do its work for a reason the user should read (e.g. "could not register 5 of 8 images:
 * a.jpg, ..."). The job fails with exactly {@link #getMessage()} as its reason.
 */
public class StageFailedException extends RuntimeException {

    private final boolean retryable;

    /** A failure that another attempt would repeat (bad input): not retryable. */
    public StageFailedException(String reason) {
        this(reason, false, null);
    }

    /**
     * @param retryable true when another attempt (possibly on another worker) may succeed, e.g. out of GPU memory
     */
    public StageFailedException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    public boolean retryable() { return retryable; }
}
