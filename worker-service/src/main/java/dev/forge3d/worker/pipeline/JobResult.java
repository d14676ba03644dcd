package dev.forge3d.worker.pipeline;

/**
 * How an attempt ended on this worker.
 *
 * @param reason why it failed, was abandoned or lost its lease; null when it succeeded or was canceled
 */
public record JobResult(String jobId, Outcome outcome, String reason) {

    public enum Outcome {
        /** Artifacts uploaded and {@code complete} accepted. */
        SUCCEEDED,
        /** {@code fail} sent (or attempted) with {@link #reason()}. */
        FAILED,
        /** A user canceled; {@code canceled} acknowledged. */
        CANCELED,
        /** The API refused the lease (409) or it expired: stopped at once, nothing published. */
        LEASE_LOST,
        /** The worker shut down mid-job and handed the job back ({@code fail}, retryable). */
        ABANDONED
    }
}
