package dev.forge3d.worker;

import dev.forge3d.worker.tracing.WorkerTracing;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.client.RetryPolicy;
import dev.forge3d.worker.pipeline.PipelineRegistry;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a worker node runs. Build with {@link #builder(URI, String)}; everything but the API and the token has a
 * default.
 *
 * @param apiBaseUri       the API, e.g. {@code http://localhost:8080}
 * @param token            the worker token ({@code forge3d.workers.token} on the API)
 * @param workerId         the name the API sees (default: host name and process id)
 * @param workDir          local working folder (default {@code ~/.forge3d/worker})
 * @param jobTypes         job types to lease (default: every type the pipeline registry knows)
 * @param leaseWaitSeconds long-poll time of one lease request (1..30, default 20)
 * @param pipelines        job type → stages (default {@link PipelineRegistry#standard()})
 * @param capabilities     reported with each lease (default {@link HostProbe#capabilities()})
 * @param retryPolicy      retries of connection errors and 5xx
 * @param shutdownGrace    on {@code close()}, how long a running job may go on before it is handed back
 * @param keepWorkDirs     keep each attempt's folders (debugging)
 * @param maxHeartbeatInterval heartbeats go every leaseSeconds/3 or this often, whichever is shorter (default 2 s:
 *                         a cancel request is seen within seconds)
 * @param tracing          the worker's stage spans (default {@link WorkerTracing#none()}; the worker command uses
 *                         {@link WorkerTracing#fromEnvironment()})
 */
public record WorkerConfig(URI apiBaseUri, String token, String workerId, Path workDir, List<String> jobTypes,
                           int leaseWaitSeconds, PipelineRegistry pipelines, Capabilities capabilities,
                           RetryPolicy retryPolicy, Duration shutdownGrace, boolean keepWorkDirs,
                           Duration maxHeartbeatInterval, WorkerTracing tracing) {

    public WorkerConfig {
        if (tracing == null) tracing = WorkerTracing.none();
        Objects.requireNonNull(apiBaseUri, "apiBaseUri");
        String scheme = apiBaseUri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || apiBaseUri.getHost() == null) {
            throw new IllegalArgumentException("API URL must be http(s)://host[:port], got '" + apiBaseUri + "'");
        }
        if (token == null || token.isBlank()) throw new IllegalArgumentException("a worker token is needed");
        if (workerId == null || workerId.isBlank()) throw new IllegalArgumentException("worker id must not be blank");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(pipelines, "pipelines");
        jobTypes = jobTypes == null || jobTypes.isEmpty() ? pipelines.jobTypes() : List.copyOf(jobTypes);
        for (String t : jobTypes) {
            if (pipelines.pipeline(t).isEmpty()) {
                throw new IllegalArgumentException("unknown job type '" + t + "' (this worker runs " + pipelines.jobTypes() + ")");
            }
        }
        if (leaseWaitSeconds < 1 || leaseWaitSeconds > 30) throw new IllegalArgumentException("lease wait must be 1..30 s");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (maxHeartbeatInterval == null || maxHeartbeatInterval.toMillis() < 100) {
            throw new IllegalArgumentException("maxHeartbeatInterval must be at least 100 ms");
        }
    }

    public static Builder builder(URI apiBaseUri, String token) {
        return new Builder(apiBaseUri, token);
    }

    /** {@code <host>-<pid>}, the default worker id. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public static Path defaultWorkDir() {
        return Path.of(System.getProperty("user.home"), ".forge3d", "worker");
    }

    public static final class Builder {
        private final URI apiBaseUri;
        private final String token;
        private String workerId;
        private Path workDir;
        private List<String> jobTypes = List.of();
        private int leaseWaitSeconds = 20;
        private PipelineRegistry pipelines = PipelineRegistry.standard();
        private Capabilities capabilities;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private boolean keepWorkDirs;
        private Duration maxHeartbeatInterval = Duration.ofSeconds(2);
        private WorkerTracing tracing = WorkerTracing.none();

        private Builder(URI apiBaseUri, String token) {
            this.apiBaseUri = apiBaseUri;
            this.token = token;
        }

        public Builder workerId(String v) { workerId = v; return this; }
        public Builder workDir(Path v) { workDir = v; return this; }
        public Builder jobTypes(List<String> v) { jobTypes = v; return this; }
        public Builder leaseWaitSeconds(int v) { leaseWaitSeconds = v; return this; }
        public Builder pipelines(PipelineRegistry v) { pipelines = v; return this; }
        public Builder capabilities(Capabilities v) { capabilities = v; return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder keepWorkDirs(boolean v) { keepWorkDirs = v; return this; }
        public Builder maxHeartbeatInterval(Duration v) { maxHeartbeatInterval = v; return this; }
        public Builder tracing(WorkerTracing v) { tracing = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(apiBaseUri, token, workerId == null ? defaultWorkerId() : workerId,
                    workDir == null ? defaultWorkDir() : workDir, jobTypes, leaseWaitSeconds, pipelines,
                    capabilities == null ? HostProbe.capabilities() : capabilities, retryPolicy, shutdownGrace,
                    keepWorkDirs, maxHeartbeatInterval, tracing);
        }
    }
}
