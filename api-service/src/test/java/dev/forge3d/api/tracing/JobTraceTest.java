package dev.forge3d.api.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.worker.WorkerConfig;
import dev.forge3d.worker.WorkerNode;
import dev.forge3d.worker.pipeline.PipelineRegistry;
import dev.forge3d.worker.tracing.WorkerTracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A job's trace: the trace id of the span opened for {@code POST /v1/jobs} is stored with the job, handed to the
 * worker with the lease, and appears in the worker's log lines for the job (MDC {@code traceId}, {@code jobId});
 * the worker's later calls for the job carry it back ({@code traceparent}), so the API's lines for them share it.
 * A real worker node (diagnostic pipeline) against the real API over HTTP.
 */
class JobTraceTest extends ApiTestBase {
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger forge3d = (Logger) LoggerFactory.getLogger("dev.forge3d");
    private WorkerNode worker;
    // The worker's own spans (WorkerTracing), exported to memory by a real SDK.
    private final InMemorySpanExporter workerSpans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk workerOtel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(workerSpans)).build()).build();

    @BeforeEach
    void capture() {
        captured.start();
        forge3d.addAppender(captured);
    }

    @AfterEach
    void stop() throws InterruptedException {
        stopWorker();
        forge3d.detachAppender(captured);
        workerOtel.close();
    }

    private void stopWorker() throws InterruptedException {
        if (worker == null) return;
        worker.close(); // ends the node's long poll at the API too (WorkerCloseDuringPollTest)
        worker = null;
    }

    @Test
    void traceIdOfTheCreateRequestAppearsInTheWorkersLogLinesForTheJob() throws Exception {
        drainQueue();
        String key = newTenantKey("trace");
        var created = api.createTextJob(key, "a small wooden chair");
        assertThat(created.status()).isEqualTo(202);
        String jobId = created.json().path("id").asString();

        // The trace context of the create request, as stored with the job (V12).
        String traceParent = jdbc.sql("select trace_parent from jobs where id = cast(:id as uuid)")
                .param("id", jobId).query(String.class).single();
        assertThat(traceParent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        String traceId = traceParent.substring(3, 35);
        // ... is the trace of the request itself: the API's own line about the creation carries it.
        assertThat(linesAbout(jobId, "dev.forge3d.api.jobs")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("traceId", traceId));

        // Another job, another request: another trace.
        String otherId = api.createTextJob(key, "a small stone chair").json().path("id").asString();
        String otherTraceId = jdbc.sql("select trace_parent from jobs where id = cast(:id as uuid)")
                .param("id", otherId).query(String.class).single().substring(3, 35);
        assertThat(otherTraceId).matches(TRACE_ID).isNotEqualTo(traceId);

        Path workDir = Files.createTempDirectory("forge3d-trace-worker-");
        worker = WorkerNode.start(WorkerConfig.builder(URI.create("http://127.0.0.1:" + port), WORKER_TOKEN)
                .workerId("trace-worker").workDir(workDir).leaseWaitSeconds(1)
                .pipelines(PipelineRegistry.diagnostic()).shutdownGrace(Duration.ofMillis(200))
                .tracing(WorkerTracing.of(workerOtel)).build());
        assertThat(awaitEnd(jobId, key)).isEqualTo("SUCCEEDED");
        assertThat(awaitEnd(otherId, key)).isEqualTo("SUCCEEDED");
        stopWorker(); // every line of both jobs is written

        List<ILoggingEvent> workerLines = linesAbout(jobId, "dev.forge3d.worker");
        assertThat(workerLines).as("the worker's log lines for job %s", jobId)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("started"))
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("traceId", traceId));
        // The worker's complete call carried the trace back: the API logged it inside the job's trace.
        assertThat(linesAbout(jobId, "dev.forge3d.api.workers"))
                .anySatisfy(e -> {
                    assertThat(e.getFormattedMessage()).contains("completed");
                    assertThat(e.getMDCPropertyMap()).containsEntry("traceId", traceId);
                });
        // The worker's stages are spans of their own in the job's trace, children of the create request's span.
        String createSpanId = traceParent.substring(36, 52);
        List<SpanData> stages = workerSpans.getFinishedSpanItems().stream()
                .filter(sp -> jobId.equals(sp.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("forge3d.job.id"))))
                .toList();
        assertThat(stages).as("the worker's spans for job %s", jobId).isNotEmpty()
                .allSatisfy(sp -> {
                    assertThat(sp.getName()).startsWith("stage ");
                    assertThat(sp.getTraceId()).isEqualTo(traceId);
                    assertThat(sp.getParentSpanId()).isEqualTo(createSpanId);
                    assertThat(sp.getEndEpochNanos()).isGreaterThan(sp.getStartEpochNanos());
                });
        assertThat(stages).extracting(SpanData::getName).contains("stage diagnostic");
        assertThat(workerSpans.getFinishedSpanItems()).filteredOn(sp -> sp.getTraceId().equals(otherTraceId))
                .isNotEmpty().noneMatch(sp -> sp.getTraceId().equals(traceId));

        // The other job's lines carry the other job's trace.
        assertThat(linesAbout(otherId, "dev.forge3d.worker")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("traceId", otherTraceId));
    }

    private String awaitEnd(String jobId, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = api.get("/v1/jobs/" + jobId, key).json().path("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) break;
            Thread.sleep(100);
        }
        return state;
    }

    /** Captured lines of loggers under {@code loggerPrefix} whose MDC names {@code jobId}. */
    private List<ILoggingEvent> linesAbout(String jobId, String loggerPrefix) {
        synchronized (captured) {
            return List.copyOf(captured.list).stream()
                    .filter(e -> e.getLoggerName().startsWith(loggerPrefix))
                    .filter(e -> jobId.equals(e.getMDCPropertyMap().get("jobId")))
                    .toList();
        }
    }
}
