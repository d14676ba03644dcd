package dev.forge3d.worker.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The worker's own spans: one per pipeline stage, children of the job's trace (the W3C traceparent the lease
 * carries, from the request that created the job), so a trace shows the worker's stages and not only the API's
 * spans for its calls. Off unless an OTLP endpoint or a traces exporter is configured in the standard OpenTelemetry
 * environment ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT},
 * {@code OTEL_TRACES_EXPORTER}); then the SDK's autoconfiguration reads the rest of it (headers, protocol: default
 * {@code http/protobuf}, sampler, {@code OTEL_SERVICE_NAME}: default {@code forge3d-worker}).
 */
public final class WorkerTracing implements AutoCloseable {
    static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("forge3d.job.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("forge3d.job.attempt");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("forge3d.stage");

    private static final TextMapGetter<String> TRACE_PARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private static final WorkerTracing NONE = new WorkerTracing(OpenTelemetry.noop(), null);

    private final Tracer tracer;
    private final OpenTelemetrySdk owned;

    private WorkerTracing(OpenTelemetry otel, OpenTelemetrySdk owned) {
        this.tracer = otel.getTracer("dev.forge3d.worker");
        this.owned = owned;
    }

    /** No spans. */
    public static WorkerTracing none() {
        return NONE;
    }

    /** Spans through {@code otel} (which the caller owns and closes). */
    public static WorkerTracing of(OpenTelemetry otel) {
        return new WorkerTracing(otel, null);
    }

    /** From the process environment: {@link #none()} unless an exporter is configured (see the class comment). */
    public static WorkerTracing fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    static WorkerTracing fromEnvironment(Function<String, String> env) {
        if ("true".equalsIgnoreCase(env.apply("OTEL_SDK_DISABLED"))) return none();
        boolean configured = set(env.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || set(env.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
                || set(env.apply("OTEL_TRACES_EXPORTER")) && !"none".equals(env.apply("OTEL_TRACES_EXPORTER"));
        if (!configured) return none();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                // defaults; the OTEL_* environment overrides them. OTLP over HTTP (port 4318) like the API's
                // exporter: the Java SDK's own default is gRPC.
                .addPropertiesSupplier(() -> Map.of("otel.service.name", "forge3d-worker",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .build().getOpenTelemetrySdk();
        return new WorkerTracing(sdk, sdk);
    }

    private static boolean set(String v) {
        return v != null && !v.isBlank();
    }

    /** Spans of one job's stages; {@code traceParent} may be null (then each stage span starts a trace). */
    public JobSpans job(String traceParent, String jobId, int attempt) {
        Context parent = traceParent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceParent, TRACE_PARENT);
        return stage -> {
            Span span = tracer.spanBuilder("stage " + stage).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                    .setAttribute(JOB_ID, jobId).setAttribute(ATTEMPT, (long) attempt).setAttribute(STAGE, stage)
                    .startSpan();
            return new StageSpan() {
                @Override
                public void failed(Throwable reason) {
                    span.recordException(reason);
                    span.setStatus(StatusCode.ERROR, reason.getMessage() == null ? reason.toString() : reason.getMessage());
                }

                @Override
                public void close() {
                    span.end();
                }
            };
        };
    }

    /** Flushes and stops the SDK this instance made from the environment, if any. */
    @Override
    public void close() {
        if (owned != null) owned.close();
    }

    /** Starts the span of one stage of a job. */
    @FunctionalInterface
    public interface JobSpans {
        JobSpans NONE = stage -> new StageSpan() {
            @Override public void failed(Throwable reason) { }
            @Override public void close() { }
        };

        StageSpan start(String stage);
    }

    /** One stage's span: ended by {@link #close()}, marked as an error by {@link #failed}. */
    public interface StageSpan extends AutoCloseable {
        void failed(Throwable reason);

        @Override
        void close();
    }
}
