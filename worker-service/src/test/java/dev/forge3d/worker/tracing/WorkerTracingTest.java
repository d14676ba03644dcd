package dev.forge3d.worker.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stage spans through a real SDK (exported to memory), and when the worker turns tracing on at all. */
class WorkerTracingTest {
    private static final String TRACE_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aStageSpanIsAChildOfTheLeasesTraceParentAndAFailureMarksIt() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build()).build()) {
            WorkerTracing.JobSpans spans = WorkerTracing.of(sdk).job(TRACE_PARENT, "job-1", 2);
            spans.start("sfm").close();
            try (WorkerTracing.StageSpan train = spans.start("train")) {
                train.failed(new IllegalStateException("no gaussians"));
            }
            assertThat(exported.getFinishedSpanItems()).hasSize(2).allSatisfy(s -> {
                assertThat(s.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
                assertThat(s.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
                assertThat(s.getAttributes().get(WorkerTracing.JOB_ID)).isEqualTo("job-1");
                assertThat(s.getAttributes().get(WorkerTracing.ATTEMPT)).isEqualTo(2L);
            });
            SpanData sfm = exported.getFinishedSpanItems().get(0);
            SpanData train = exported.getFinishedSpanItems().get(1);
            assertThat(sfm.getName()).isEqualTo("stage sfm");
            assertThat(sfm.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(train.getName()).isEqualTo("stage train");
            assertThat(train.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(train.getStatus().getDescription()).isEqualTo("no gaussians");
            assertThat(train.getEvents()).anyMatch(e -> e.getName().equals("exception"));

            // Without a traceparent each stage starts a trace of its own.
            exported.reset();
            WorkerTracing.of(sdk).job(null, "job-2", 1).start("export").close();
            assertThat(exported.getFinishedSpanItems().getFirst().getParentSpanContext().isValid()).isFalse();
        }
    }

    @Test
    void tracingIsOffUnlessAnExporterIsConfigured() {
        assertThat(WorkerTracing.fromEnvironment(Map.<String, String>of()::get)).isSameAs(WorkerTracing.none());
        assertThat(WorkerTracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none")::get))
                .isSameAs(WorkerTracing.none());
        assertThat(WorkerTracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "OTEL_SDK_DISABLED", "true")::get)).isSameAs(WorkerTracing.none());
        try (WorkerTracing on = WorkerTracing.fromEnvironment(
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")::get)) {
            assertThat(on).isNotSameAs(WorkerTracing.none());
        }
    }
}
