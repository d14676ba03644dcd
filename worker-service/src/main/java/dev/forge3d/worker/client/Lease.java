package dev.forge3d.worker.client;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * A claimed job (answer of {@code POST /v1/worker/lease}). Every later call for the job carries
 * {@link #leaseToken()}, the fencing token.
 */
public record Lease(String jobId, String type, int attempt, long leaseToken, Instant leaseExpiresAt,
                    int leaseSeconds, ObjectNode params, List<InputFile> inputs) {

    public Lease {
        params = params == null ? JsonNodeFactory.instance.objectNode() : params;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        if (leaseSeconds <= 0) leaseSeconds = 30;
    }
}
