package dev.forge3d.api.jobs;

import dev.forge3d.api.artifacts.ArtifactController.ArtifactView;
import dev.forge3d.api.web.ProblemType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A job as clients see it (schema {@code Job} in openapi.yaml). */
public record JobView(UUID id, String type, JobState state, String stage, double progress, Double etaSeconds,
        String message, int attempt, int maxAttempts, int priority, boolean cancelRequested, int inputCount,
        JsonNode params, JobRequirements requirements, JsonNode metrics, Error error, Instant createdAt,
        Instant updatedAt, Instant startedAt, Instant finishedAt, List<ArtifactView> artifacts, Links links) {

    /** Why a job failed, as an RFC 9457 problem. */
    public record Error(String type, String title, String detail) {}

    public record Links(String self, String events, String artifacts, String cancel) {}

    public static JobView of(Job j, List<ArtifactView> artifacts, ObjectMapper mapper) {
        Error error = j.getErrorType() == null || j.getState() == JobState.SUCCEEDED ? null
                : new Error(ProblemType.BASE + j.getErrorType(), j.getErrorTitle(), j.getErrorDetail());
        String self = "/v1/jobs/" + j.getId();
        return new JobView(j.getId(), j.getType(), j.getState(), j.getStage(), j.getProgress(), j.getEtaSeconds(),
                j.getMessage(), j.getAttempt(), j.getMaxAttempts(), j.getPriority(), j.isCancelRequested(),
                j.getInputCount(), mapper.readTree(j.getParams()), j.getRequirements(),
                j.getMetrics() == null ? null : mapper.readTree(j.getMetrics()), error, j.getCreatedAt(),
                j.getUpdatedAt(), j.getStartedAt(), j.getFinishedAt(), artifacts,
                new Links(self, self + "/events", self + "/artifacts", self + "/cancel"));
    }
}
