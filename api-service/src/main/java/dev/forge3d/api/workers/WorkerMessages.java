package dev.forge3d.api.workers;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** The worker protocol's JSON bodies (docs/worker-protocol.md, tag {@code worker} in openapi.yaml). */
public final class WorkerMessages {
    private WorkerMessages() {}

    public record Capabilities(String backend, Integer threads, Long memoryBytes, String gpuName,
            Long gpuMemoryBytes) {}

    /**
     * {@code leaseSeconds} is optional (server default); it is clamped to the server's bounds. {@code pollId}
     * (optional) names this long poll so that the worker can end it early ({@link CancelPollRequest}).
     */
    public record LeaseRequest(String workerId, Capabilities capabilities, List<String> jobTypes,
            Integer waitSeconds, Integer leaseSeconds, String pollId) {}

    /** Ends the long poll {@code pollId} (a worker shutting down): it answers 204 instead of leasing a job. */
    public record CancelPollRequest(String pollId) {}

    /**
     * {@code params} and {@code inputs} are JSON text as PostgreSQL returns it from the claim (valid JSON by
     * construction), written into the response as they are rather than parsed into a tree and serialized again.
     */
    public record LeaseResponse(UUID jobId, String type, int attempt, long leaseToken, Instant leaseExpiresAt,
            int leaseSeconds, @JsonRawValue String params, @JsonRawValue String inputs, String traceParent) {}

    public record HeartbeatRequest(Long leaseToken, String stage, Double progress, Double etaSeconds,
            String message) {}

    public record HeartbeatResponse(boolean cancelRequested, Instant leaseExpiresAt) {}

    /**
     * {@code next} (optional) leases the worker's next job in the same call, without waiting: one round trip per
     * job instead of two for workers that drain short jobs.
     */
    public record CompleteRequest(Long leaseToken, JsonNode metrics, LeaseRequest next) {}

    public record FailRequest(Long leaseToken, String reason, Boolean retryable) {}

    public record CanceledRequest(Long leaseToken) {}

    /** The job's state after a complete / fail / canceled call. */
    public record JobStateResponse(UUID jobId, String state) {}

    /** The answer to complete: the job's state, and the next lease when one was asked for and a job was free. */
    public record CompleteResponse(UUID jobId, String state, LeaseResponse next) {}

    public record StoredFile(String name, long size, String sha256) {}
}
