package dev.forge3d.worker.client;

import java.util.List;

/** Body of {@code POST /v1/worker/lease}. {@code waitSeconds} is the long-poll time (the server caps it at 30). */
public record LeaseRequest(String workerId, Capabilities capabilities, List<String> jobTypes, int waitSeconds) {
    public LeaseRequest {
        jobTypes = List.copyOf(jobTypes);
    }
}
