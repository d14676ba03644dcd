package dev.forge3d.worker.client;

import org.slf4j.MDC;

/**
 * The job a worker thread is working on, for its log lines and its calls to the API: puts {@code jobId} and
 * {@code traceId} (from the lease's W3C traceparent, the trace of the request that created the job) into the
 * logging MDC, and makes {@link ApiHttp} send the {@code traceparent} header, so the API's spans for the worker's
 * calls join that trace. Thread-bound: open it on every thread that works for the job.
 */
public final class JobTrace implements AutoCloseable {
    public static final String JOB_ID = "jobId";
    public static final String TRACE_ID = "traceId";
    private static final ThreadLocal<String> TRACE_PARENT = new ThreadLocal<>();

    private JobTrace() {}

    /** Binds {@code lease}'s job and trace to the current thread until {@link #close()}. */
    public static JobTrace open(Lease lease) {
        MDC.put(JOB_ID, lease.jobId());
        String traceParent = valid(lease.traceParent()) ? lease.traceParent() : null;
        if (traceParent != null) {
            MDC.put(TRACE_ID, traceId(traceParent));
            TRACE_PARENT.set(traceParent);
        }
        return new JobTrace();
    }

    /** The traceparent bound to this thread, or null. */
    static String currentTraceParent() {
        return TRACE_PARENT.get();
    }

    /** The trace id of a W3C traceparent {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
    public static String traceId(String traceParent) {
        return traceParent.substring(3, 35);
    }

    /** Version 00 traceparent syntax (the API writes only that); anything else is ignored, never sent back. */
    public static boolean valid(String s) {
        if (s == null || s.length() != 55) return false;
        for (int i = 0; i < 55; i++) {
            char c = s.charAt(i);
            boolean dash = i == 2 || i == 35 || i == 52;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return s.startsWith("00-");
    }

    @Override
    public void close() {
        MDC.remove(JOB_ID);
        MDC.remove(TRACE_ID);
        TRACE_PARENT.remove();
    }
}
