package dev.forge3d.worker.client;

import java.time.Instant;

/** Answer to a heartbeat: whether a user asked to cancel the job, and the extended lease expiry. */
public record HeartbeatResponse(boolean cancelRequested, Instant leaseExpiresAt) {
}
