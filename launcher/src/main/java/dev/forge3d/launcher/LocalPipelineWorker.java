package dev.forge3d.launcher;

import dev.forge3d.api.embedded.EmbeddedWorker;
import dev.forge3d.api.embedded.EmbeddedWorkerRunner;
import dev.forge3d.worker.WorkerConfig;
import dev.forge3d.worker.WorkerNode;
import dev.forge3d.worker.pipeline.stages.PhotoToSplat;
import dev.forge3d.worker.pipeline.stages.TextTo3dStage;
import dev.forge3d.worker.pipeline.stages.WorkerLimits;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.nio.file.Path;

/**
 * The in-process worker of {@code forge3d serve}: a {@link WorkerNode} named {@code embedded} that runs the real
 * pipelines (photos-to-splat: ingest, SfM, 3DGS training, export) against this API over HTTP, with its working
 * folders under {@code <data-dir>/worker}. Started by {@link EmbeddedWorkerRunner} only when
 * {@code forge3d.embedded-worker.enabled=true}; brought in by {@link LocalWorkerAutoConfiguration}, so the API jar,
 * which lacks this module, has no worker. Its caps come from {@code forge3d.worker.max-resolution},
 * {@code forge3d.worker.max-iterations}, {@code forge3d.worker.checkpoint-iterations} and
 * {@code forge3d.worker.checkpoint-seconds} (CPU defaults otherwise); {@code forge3d.worker.lease-wait-seconds} is the
 * long-poll time of its lease requests (default 5: short, so that a shutdown does not wait for a long poll);
 * {@code forge3d.worker.prior} (env {@code FORGE3D_WORKER_PRIOR}, or the worker-wide {@code FORGE3D_PRIOR}) is its
 * text-to-3d prior: {@code builtin} or a model folder such as an exported Stable Diffusion.
 */
@Component
@ConditionalOnProperty(name = "forge3d.embedded-worker.enabled", havingValue = "true")
public class LocalPipelineWorker implements EmbeddedWorker {

    private final Path dataDir;
    private final WorkerLimits limits;
    private final int leaseWaitSeconds;
    private final String prior;
    private volatile WorkerNode node;

    public LocalPipelineWorker(@Value("${forge3d.data-dir}") Path dataDir,
            @Value("${forge3d.worker.max-resolution:0}") int maxResolution,
            @Value("${forge3d.worker.max-iterations:0}") int maxIterations,
            @Value("${forge3d.worker.checkpoint-iterations:0}") int checkpointIterations,
            @Value("${forge3d.worker.checkpoint-seconds:0}") double checkpointSeconds,
            @Value("${forge3d.worker.lease-wait-seconds:5}") int leaseWaitSeconds,
            @Value("${forge3d.worker.prior:}") String prior) {
        this.dataDir = dataDir;
        this.prior = prior == null || prior.isBlank() ? TextTo3dStage.configuredPrior() : prior.strip();
        this.leaseWaitSeconds = leaseWaitSeconds;
        WorkerLimits l = WorkerLimits.cpuDefaults();
        if (maxResolution > 0) l = l.withMaxResolution(maxResolution);
        if (maxIterations > 0) l = l.withMaxIterations(maxIterations);
        if (checkpointIterations > 0 || checkpointSeconds > 0) {
            l = l.withCheckpointEvery(checkpointIterations > 0 ? checkpointIterations : l.checkpointEveryIterations(),
                    checkpointSeconds > 0 ? checkpointSeconds : l.checkpointEverySeconds());
        }
        this.limits = l;
    }

    @Override
    public synchronized void start(URI apiUrl, String workerToken) {
        if (node != null) return;
        node = WorkerNode.start(WorkerConfig.builder(apiUrl, workerToken)
                .workerId("embedded")
                .workDir(dataDir.resolve("worker"))
                .leaseWaitSeconds(leaseWaitSeconds)
                .pipelines(PhotoToSplat.registry(limits, prior))
                .build());
    }

    @Override
    public synchronized void stop() {
        if (node == null) return;
        node.close();
        node = null;
    }

    /** The running node (null before start and after stop). */
    public WorkerNode node() {
        return node;
    }
}
