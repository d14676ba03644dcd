package dev.forge3d.api.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The current trace context as a W3C {@code traceparent} value (version 00), so a job keeps the trace of the
 * request that created it and hands it to its worker with every lease (docs/deploy.md "Traces"). The span is the
 * one Micrometer's HTTP server observation opened for the request (OpenTelemetry bridge).
 */
@Component
public class TraceParents {
    private final ObjectProvider<Tracer> tracer;

    public TraceParents(ObjectProvider<Tracer> tracer) {
        this.tracer = tracer;
    }

    /** The current span's traceparent, or null when tracing is off or no span is open. */
    public String currentTraceParent() {
        Tracer t = tracer.getIfAvailable(() -> Tracer.NOOP);
        Span span = t.currentSpan();
        if (span == null) return null;
        return format(span.context());
    }

    static String format(TraceContext c) {
        String traceId = c.traceId();
        String spanId = c.spanId();
        if (!isHex(traceId, 32) || !isHex(spanId, 16) || traceId.chars().allMatch(ch -> ch == '0')) return null;
        return "00-" + traceId + "-" + spanId + "-" + (Boolean.TRUE.equals(c.sampled()) ? "01" : "00");
    }

    private static boolean isHex(String s, int length) {
        if (s == null || s.length() != length) return false;
        for (int i = 0; i < length; i++) {
            char ch = s.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) return false;
        }
        return true;
    }
}
