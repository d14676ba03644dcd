package dev.forge3d.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JobTraceTest {
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static Lease lease(String traceParent) {
        return new Lease("job-1", "text-to-3d", 1, 7, Instant.now(), 30, null, null, traceParent);
    }

    @Test
    void bindsJobAndTraceIdToTheThreadUntilClosed() {
        try (JobTrace t = JobTrace.open(lease(PARENT))) {
            assertThat(MDC.get("jobId")).isEqualTo("job-1");
            assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(JobTrace.currentTraceParent()).isEqualTo(PARENT);
        }
        assertThat(MDC.get("jobId")).isNull();
        assertThat(MDC.get("traceId")).isNull();
        assertThat(JobTrace.currentTraceParent()).isNull();
    }

    @Test
    void ignoresAMissingOrMalformedTraceParent() {
        for (String bad : new String[] {null, "", "garbage", PARENT.toUpperCase(), "01" + PARENT.substring(2),
                PARENT + "-extra", PARENT.replace('-', '_'), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n"}) {
            try (JobTrace t = JobTrace.open(lease(bad))) {
                assertThat(MDC.get("jobId")).isEqualTo("job-1");
                assertThat(MDC.get("traceId")).as("traceparent %s", bad).isNull();
                assertThat(JobTrace.currentTraceParent()).isNull();
            }
        }
    }
}
