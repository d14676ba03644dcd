package dev.forge3d.worker.client;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * A claimed job (answer of {@code POST /v1/worker/lease}). Every later call for the job carries
 * {@link #leaseToken()}, the fencing token. {@code traceParent} is the W3C traceparent of the request that created
 * the job (absent from older APIs): the worker logs its trace id and sends it back on its calls for the job.
 */
public record Lease(String jobId, String type, int attempt, long leaseToken, Instant leaseExpiresAt,
                    int leaseSeconds, ObjectNode params, List<InputFile> inputs, String traceParent) {

    public Lease {
        params = params == null ? JsonNodeFactory.instance.objectNode() : params;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        if (leaseSeconds <= 0) leaseSeconds = 30;
    }
}
