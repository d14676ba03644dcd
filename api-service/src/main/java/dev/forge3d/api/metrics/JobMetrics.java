package dev.forge3d.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * What the API learns as jobs end and inputs arrive: job durations (lease to end) and queue waits (creation to
 * lease) per type and final state, stage durations per type and stage (from the {@code stages.<name>.seconds} the
 * worker reports with {@code complete}), and upload bytes.
 */
@Component
public class JobMetrics {
    private final JdbcClient jdbc;
    private final MeterRegistry registry;
    private final Counter uploadBytes;
    private final Counter uploadFiles;

    public JobMetrics(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.uploadBytes = Counter.builder("forge3d.upload.bytes").baseUnit("bytes")
                .description("Bytes of job inputs stored").register(registry);
        this.uploadFiles = Counter.builder("forge3d.upload.files").description("Job inputs stored").register(registry);
    }

    /** One input stored. */
    public void uploaded(long bytes) {
        uploadBytes.increment(bytes);
        uploadFiles.increment();
    }

    /**
     * The job reached {@code state} through a worker. Only final states are timed (a retry's QUEUED is not an end);
     * {@code workerMetrics} may be null.
     */
    public void ended(UUID jobId, String state, JsonNode workerMetrics) {
        if (!state.equals("SUCCEEDED") && !state.equals("FAILED") && !state.equals("CANCELED")) return;
        Map<String, Object> row = jdbc.sql("""
                select type,
                       extract(epoch from finished_at - started_at) as run_seconds,
                       extract(epoch from started_at - created_at) as wait_seconds
                  from jobs where id = :id""").param("id", jobId).query().singleRow();
        String type = (String) row.get("type");
        record(Timer.builder("forge3d.job.duration").description("From the first lease to the job's end")
                .tags("type", type, "state", state), row.get("run_seconds"));
        record(Timer.builder("forge3d.job.queue.wait").description("From creation to the first lease")
                .tags("type", type, "state", state), row.get("wait_seconds"));
        if (workerMetrics == null || !workerMetrics.path("stages").isObject()) return;
        for (Map.Entry<String, JsonNode> stage : workerMetrics.path("stages").properties()) {
            JsonNode seconds = stage.getValue().path("seconds");
            if (!seconds.isNumber() || seconds.asDouble() < 0) continue;
            // Stage names come from the worker's pipelines; a worker cannot blow up the tag space past a few.
            String name = stage.getKey().length() > 40 ? stage.getKey().substring(0, 40) : stage.getKey();
            record(Timer.builder("forge3d.job.stage.duration").description("One stage of a job, as its worker timed it")
                    .tags("type", type, "stage", name), seconds.asDouble());
        }
    }

    private void record(Timer.Builder timer, Object seconds) {
        if (!(seconds instanceof Number n) || n.doubleValue() < 0) return;
        timer.register(registry).record(Duration.ofNanos(Math.round(n.doubleValue() * 1e9)));
    }
}
