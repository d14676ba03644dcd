package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.ApiException;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs a pipeline's stages in order on local folders, with progress and cancellation. The worker's
 * {@link JobRunner} wraps it with the network parts (inputs, heartbeats, uploads); a local CLI run can use it
 * directly.
 */
public final class PipelineExecutor {

    private PipelineExecutor() { }

    /**
     * @param progress   the job's overall progress; stage {@code i} is phase {@code firstPhase + i}
     * @param cancel     polled by stages through their listener and between stages
     * @param metrics    receives {@code stages.<name>.seconds} and whatever the stages add
     * @throws CancelledException   when {@code cancel} turned true
     * @throws StageFailedException when a stage failed; its message is the reason for the user
     */
    public static void run(Pipeline pipeline, JobDescriptor job, List<JobInput> inputs, JobDirectories dirs,
                           Checkpoints checkpoints, OverallProgress progress, int firstPhase,
                           BooleanSupplier cancel, ObjectNode metrics) {
        Map<String, Object> shared = new ConcurrentHashMap<>();
        ObjectNode stageTimes = metrics.putObject("stages");
        ProgressListener listener = progress.listener(cancel);
        List<Pipeline.Step> steps = pipeline.steps();
        for (int i = 0; i < steps.size(); i++) {
            Stage stage = steps.get(i).stage();
            listener.checkCancelled();
            progress.begin(firstPhase + i);
            StageContext ctx = new StageContext(job, inputs, dirs, listener, checkpoints, shared, metrics);
            long t0 = System.nanoTime();
            try {
                stage.run(ctx);
            } catch (CancelledException | StageFailedException e) {
                throw e;
            } catch (ApiException e) {
                // a checkpoint call inside the stage: the runner decides (lost lease, API unreachable)
                if (cancel.getAsBoolean()) throw new CancelledException();
                throw e;
            } catch (OutOfMemoryError e) {
                throw new StageFailedException("stage '" + stage.name() + "' ran out of memory (max heap "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)", true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException();
            } catch (Exception | StackOverflowError e) {
                if (cancel.getAsBoolean()) throw new CancelledException();
                throw new StageFailedException("stage '" + stage.name() + "' failed: " + describe(e), false, e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            stageTimes.putObject(stage.name()).put("seconds", Math.round(seconds * 1000) / 1000.0);
        }
        listener.checkCancelled();
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
