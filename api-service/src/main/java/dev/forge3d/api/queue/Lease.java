package dev.forge3d.api.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * A claimed job as the claim query returns it; params and inputs are JSON text, passed through to the worker.
 * {@code traceParent} is the W3C traceparent of the request that created the job (null for older jobs).
 */
public record Lease(UUID jobId, String type, int attempt, long leaseToken, Instant leaseExpiresAt, int leaseSeconds,
        String paramsJson, String inputsJson, String traceParent) {}
