package dev.forge3d.worker.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code POST /v1/worker/jobs/{jobId}/heartbeat}.
 *
 * @param progress   overall job progress 0..1
 * @param etaSeconds seconds left for the whole job, or null when unknown (then left out, like a null message)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeartbeatRequest(long leaseToken, String stage, double progress, Double etaSeconds, String message) {
}
