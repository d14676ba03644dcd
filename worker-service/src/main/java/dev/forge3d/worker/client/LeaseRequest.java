package dev.forge3d.worker.client;

import java.util.List;
import java.util.UUID;

/**
 * Body of {@code POST /v1/worker/lease}. {@code waitSeconds} is the long-poll time (the server caps it at 30);
 * {@code pollId} names this one poll, so that {@link WorkerApiClient#cancelPoll} can end it early.
 */
public record LeaseRequest(String workerId, Capabilities capabilities, List<String> jobTypes, int waitSeconds,
        String pollId) {
    public LeaseRequest {
        jobTypes = List.copyOf(jobTypes);
    }

    /** A request with a fresh poll id. */
    public LeaseRequest(String workerId, Capabilities capabilities, List<String> jobTypes, int waitSeconds) {
        this(workerId, capabilities, jobTypes, waitSeconds, UUID.randomUUID().toString());
    }

    /** The same request under a fresh poll id (one per long poll). */
    public LeaseRequest nextPoll() {
        return new LeaseRequest(workerId, capabilities, jobTypes, waitSeconds, UUID.randomUUID().toString());
    }
}
