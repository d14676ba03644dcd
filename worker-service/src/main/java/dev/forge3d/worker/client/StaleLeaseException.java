package dev.forge3d.worker.client;

/**
 * 409 {@code https://forge3d.dev/problems/stale-lease} (or a 409 without a problem type) from a worker call:
 * the lease token is no longer the job's current one (the lease expired and the job was
 * re-claimed, or the job was canceled or finished). The server changed nothing; the worker must stop working on
 * the job and publish nothing.
 */
public final class StaleLeaseException extends ApiException {
    public StaleLeaseException(String message, String problemType, String detail) {
        super(message, 409, problemType, detail, null);
    }
}
