package dev.forge3d.worker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.forge3d.client.model.Job;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code forge3d wait JOB}: follow a job with a progress bar until it ends; exit 0 only if it succeeded. */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Follow a job (server-sent events) with a progress bar until it ends (exit 0 if it SUCCEEDED, 1 otherwise).")
public final class WaitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--interval", defaultValue = "1", paramLabel = "S",
            description = "seconds before the event stream is opened again when it drops (default ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "--timeout", paramLabel = "S", description = "give up after this many seconds")
    Long timeout;

    @Override
    public Integer call() throws Exception {
        if (!(interval > 0)) throw new IllegalArgumentException("--interval must be > 0");
        java.util.UUID id = JobWaiter.jobId(jobId);
        Job job = JobWaiter.await(api.client(), id, Duration.ofMillis(Math.round(interval * 1000)),
                timeout == null ? null : Duration.ofSeconds(timeout), System.err);
        JobWaiter.requireSucceeded(job, id);
        spec.commandLine().getOut().println(jobId + " SUCCEEDED");
        return 0;
    }
}
