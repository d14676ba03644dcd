package dev.forge3d.worker.client;

/**
 * The API could not be reached or answered 5xx, and retrying with backoff did not help (or the calling thread
 * was interrupted while waiting). The same call may succeed later.
 */
public final class TransientApiException extends ApiException {
    public TransientApiException(String message, int status, String problemType, String detail, Throwable cause) {
        super(message, status, problemType, detail, cause);
    }
}
