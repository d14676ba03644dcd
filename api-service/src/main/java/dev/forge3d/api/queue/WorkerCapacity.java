package dev.forge3d.api.queue;

/**
 * What a leasing worker offers, compared by the claim with each job's requirements ({@code min_memory_bytes},
 * {@code requires_gpu}).
 *
 * @param memoryBytes the worker's reported memory; {@link Long#MAX_VALUE} when it reported none (not checked)
 * @param gpu         whether it reported the {@code cuda} backend
 */
public record WorkerCapacity(long memoryBytes, boolean gpu) {
    /** No limits: every job qualifies (callers that do not know the worker's capabilities). */
    public static final WorkerCapacity ANY = new WorkerCapacity(Long.MAX_VALUE, true);
}
