package dev.forge3d.worker.cli;

import dev.forge3d.worker.tracing.WorkerTracing;

import dev.forge3d.worker.WorkerConfig;
import dev.forge3d.worker.WorkerNode;
import dev.forge3d.worker.pipeline.stages.PhotoToSplat;
import dev.forge3d.worker.pipeline.stages.WorkerLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code forge3d worker --api URL --token T}: a worker node in this process, until Ctrl-C. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a worker node: lease jobs from a forge3d API over HTTP and run them.",
                "Ctrl-C stops it; a running job is handed back to the queue so another worker resumes it."})
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--api", required = true, paramLabel = "URL", description = "the API, e.g. http://localhost:8080")
    URI api;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FORGE3D_WORKER_TOKEN}",
            description = "worker token (default: env FORGE3D_WORKER_TOKEN)")
    String token;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "working folder (default: ~/.forge3d/worker)")
    Path workDir;

    @Option(names = "--id", paramLabel = "NAME", description = "worker id shown by the API (default: <host>-<pid>)")
    String id;

    @Option(names = "--job-types", split = ",", paramLabel = "TYPE", description = "job types to take (default: all this worker runs)")
    List<String> jobTypes;

    @Option(names = "--lease-wait", defaultValue = "20", paramLabel = "S", description = "long-poll seconds per lease request (1..30, default ${DEFAULT-VALUE})")
    int leaseWait;

    @Option(names = "--shutdown-grace", defaultValue = "5", paramLabel = "S",
            description = "on SIGTERM, seconds a running job may go on before it is checkpointed and handed back (default ${DEFAULT-VALUE})")
    int shutdownGrace;

    @Option(names = "--keep-work-dirs", description = "keep each job's working folder (debugging)")
    boolean keepWorkDirs;

    @Option(names = "--max-resolution", paramLabel = "PX", description = "cap on a photos-to-splat job's image size (default 1000 on a CPU)")
    Integer maxResolution;

    @Option(names = "--max-iterations", paramLabel = "N", description = "cap on a photos-to-splat job's training iterations (default 7000 on a CPU)")
    Integer maxIterations;

    private WorkerLimits limits() {
        WorkerLimits l = WorkerLimits.cpuDefaults();
        if (maxResolution != null) l = l.withMaxResolution(maxResolution);
        if (maxIterations != null) l = l.withMaxIterations(maxIterations);
        return l;
    }

    @Option(names = "--prior", paramLabel = "DIR",
            description = "text-to-3d prior: builtin, a train-prior folder or an exported Stable Diffusion folder (default: system property forge3d.worker.prior, env FORGE3D_PRIOR, else builtin)")
    String prior;

    @Option(names = "--backend", defaultValue = "${env:FORGE3D_BACKEND:-auto}", paramLabel = "cpu|cuda|auto",
            description = "backend to offer the API: cuda, cpu, or auto (CUDA when a usable device is present; default ${DEFAULT-VALUE})")
    String backend;

    @Override
    public Integer call() throws Exception {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a worker token is needed: --token or env FORGE3D_WORKER_TOKEN");
        }
        WorkerConfig.Builder b = WorkerConfig.builder(api, token)
                .workerId(id)
                .workDir(workDir)
                .leaseWaitSeconds(leaseWait)
                .shutdownGrace(java.time.Duration.ofSeconds(Math.max(0, shutdownGrace)))
                .keepWorkDirs(keepWorkDirs)
                .pipelines(PhotoToSplat.registry(limits(), prior == null ? dev.forge3d.worker.pipeline.stages.TextTo3dStage.configuredPrior() : prior))
                .capabilities(dev.forge3d.worker.HostProbe.capabilities(dev.forge3d.runtime.splat.raster.RasterBackend.parse(backend)));
        if (jobTypes != null) b.jobTypes(jobTypes);
        WorkerTracing tracing = WorkerTracing.fromEnvironment(); // OTEL_EXPORTER_OTLP_ENDPOINT etc.
        b.tracing(tracing);
        WorkerConfig config = b.build();
        WorkerNode node = WorkerNode.start(config);
        Thread hook = new Thread(node::close, "forge3d-worker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        node.awaitStopped(Duration.ofDays(365_000));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it is what stopped the node
        }
        tracing.close(); // exports the spans still queued
        if (node.failure().isPresent()) {
            Throwable f = node.failure().get();
            throw new IllegalStateException(f.getMessage() == null ? f.toString() : f.getMessage());
        }
        return 0;
    }
}
