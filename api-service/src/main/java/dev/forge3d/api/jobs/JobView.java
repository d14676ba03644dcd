package dev.forge3d.api.jobs;

import dev.forge3d.api.artifacts.ArtifactController.ArtifactView;
import dev.forge3d.api.web.ProblemType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A job as clients see it (schema {@code Job} in openapi.yaml). */
public record JobView(UUID id, String type, JobState state, String stage, double progress, Double etaSeconds,
        String message, int attempt, int maxAttempts, int priority, boolean cancelRequested, int inputCount,
        JsonNode params, String callbackUrl, JobRequirements requirements, JsonNode metrics, Error error,
        Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt, List<ArtifactView> artifacts,
        Links links) {

    /** Why a job failed, as an RFC 9457 problem. */
    public record Error(String type, String title, String detail) {}

    public record Links(String self, String events, String artifacts, String cancel) {}

    public static JobView of(Job j, List<ArtifactView> artifacts, ObjectMapper mapper) {
        return new JobView(j.getId(), j.getType(), j.getState(), j.getStage(), j.getProgress(), j.getEtaSeconds(),
                j.getMessage(), j.getAttempt(), j.getMaxAttempts(), j.getPriority(), j.isCancelRequested(),
                j.getInputCount(), mapper.readTree(j.getParams()), j.getCallbackUrl(), j.getRequirements(),
                j.getMetrics() == null ? null : mapper.readTree(j.getMetrics()),
                error(j.getState(), j.getErrorType(), j.getErrorTitle(), j.getErrorDetail()), j.getCreatedAt(),
                j.getUpdatedAt(), j.getStartedAt(), j.getFinishedAt(), artifacts, links(j.getId()));
    }

    JobView withArtifacts(List<ArtifactView> list) {
        return new JobView(id, type, state, stage, progress, etaSeconds, message, attempt, maxAttempts, priority,
                cancelRequested, inputCount, params, callbackUrl, requirements, metrics, error, createdAt, updatedAt,
                startedAt, finishedAt, list, links);
    }

    /**
     * The same job as seen through a share link: links and artifact hrefs under {@code base} (/s/{token}), and no
     * callback URL (the tenant's own endpoint is not for whoever holds the link).
     */
    public JobView sharedUnder(String base) {
        List<ArtifactView> list = artifacts == null ? null : artifacts.stream()
                .map(a -> new ArtifactView(a.name(), a.size(), a.mediaType(), a.sha256(), base + "/artifacts/" + a.name()))
                .toList();
        return new JobView(id, type, state, stage, progress, etaSeconds, message, attempt, maxAttempts, priority,
                cancelRequested, inputCount, params, null, requirements, metrics, error, createdAt, updatedAt, startedAt,
                finishedAt, list, new Links(base + "/job", base + "/events", base + "/artifacts", null));
    }

    /** The columns {@link #of(ResultSet, List, ObjectMapper)} reads, for a select on {@code jobs}. */
    static final String COLUMNS = "id, type, state, stage, progress, eta_seconds, message, attempt, max_attempts, "
            + "priority, cancel_requested, input_count, params::text as params, metrics::text as metrics, "
            + "min_memory_bytes, requires_gpu, error_type, error_title, error_detail, created_at, updated_at, started_at, "
            + "finished_at, callback_url";

    /** The same view from a row of {@link #COLUMNS} (the lean read path, without a JPA entity). */
    static JobView of(ResultSet rs, List<ArtifactView> artifacts, ObjectMapper mapper) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        JobState state = JobState.valueOf(rs.getString("state"));
        String metrics = rs.getString("metrics");
        return new JobView(id, rs.getString("type"), state, rs.getString("stage"), rs.getDouble("progress"),
                rs.getObject("eta_seconds", Double.class), rs.getString("message"), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getInt("priority"), rs.getBoolean("cancel_requested"),
                rs.getInt("input_count"), mapper.readTree(rs.getString("params")), rs.getString("callback_url"),
                new JobRequirements(rs.getLong("min_memory_bytes"), rs.getBoolean("requires_gpu")),
                metrics == null ? null : mapper.readTree(metrics),
                error(state, rs.getString("error_type"), rs.getString("error_title"), rs.getString("error_detail")),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), artifacts, links(id));
    }

    private static Error error(JobState state, String type, String title, String detail) {
        return type == null || state == JobState.SUCCEEDED ? null : new Error(ProblemType.BASE + type, title, detail);
    }

    private static Links links(UUID id) {
        String self = "/v1/jobs/" + id;
        return new Links(self, self + "/events", self + "/artifacts", self + "/cancel");
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
