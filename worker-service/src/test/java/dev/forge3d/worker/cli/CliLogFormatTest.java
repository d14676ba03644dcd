package dev.forge3d.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.forge3d.worker.client.JobTrace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The `forge3d` command line's log format (forge3d-cli-logback.xml): a worker's lines for a job name it and its trace. */
class CliLogFormatTest {

    @Test
    void jobLinesCarryJobIdAndTraceIdOtherLinesNoBrackets() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext(); // its own, so the test's logging stays as it is
        context.setMDCAdapter(MDC.getMDCAdapter());
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(getClass().getResource("/forge3d-cli-logback.xml"));
            var log = context.getLogger("dev.forge3d.worker.pipeline.JobRunner");
            log.info("polling");
            MDC.put(JobTrace.JOB_ID, "job-1");
            MDC.put(JobTrace.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
            log.info("job job-1: started");
        } finally {
            MDC.clear();
            context.stop();
            System.setErr(err);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).endsWith(" INFO  polling");
        assertThat(lines[1]).contains("jobId=job-1").contains("traceId=4bf92f3577b34da6a3ce929d0e0e4736")
                .endsWith("] job job-1: started");
    }
}
