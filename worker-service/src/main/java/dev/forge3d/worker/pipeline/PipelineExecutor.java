package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.ApiException;
import dev.forge3d.worker.tracing.WorkerTracing.JobSpans;
import dev.forge3d.worker.tracing.WorkerTracing.StageSpan;
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
        run(pipeline, job, inputs, dirs, checkpoints, progress, firstPhase, cancel, metrics, JobSpans.NONE);
    }

    /** As above, with a span for each stage ({@code spans}: the job's trace, see WorkerTracing). */
    public static void run(Pipeline pipeline, JobDescriptor job, List<JobInput> inputs, JobDirectories dirs,
                           Checkpoints checkpoints, OverallProgress progress, int firstPhase,
                           BooleanSupplier cancel, ObjectNode metrics, JobSpans spans) {
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
            StageSpan span = spans.start(stage.name());
            try {
                stage.run(ctx);
            } catch (Throwable e) {
                span.failed(e);
                span.close();
                throw rethrown(stage, e, cancel);
            }
            span.close();
            double seconds = (System.nanoTime() - t0) / 1e9;
            stageTimes.putObject(stage.name()).put("seconds", Math.round(seconds * 1000) / 1000.0);
        }
        listener.checkCancelled();
    }

    /** What a stage's exception becomes for the runner: cancelled, a failure with a reason, or the API's error. */
    private static RuntimeException rethrown(Stage stage, Throwable thrown, BooleanSupplier cancel) {
        try {
            throw thrown;
        } catch (CancelledException | StageFailedException e) {
            return e;
        } catch (ApiException e) {
            // a checkpoint call inside the stage: the runner decides (lost lease, API unreachable)
            return cancel.getAsBoolean() ? new CancelledException() : e;
        } catch (OutOfMemoryError e) {
            return new StageFailedException("stage '" + stage.name() + "' ran out of memory (max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CancelledException();
        } catch (Exception | StackOverflowError e) {
            if (cancel.getAsBoolean()) return new CancelledException();
            return new StageFailedException("stage '" + stage.name() + "' failed: " + describe(e), false, e);
        } catch (Error e) {
            throw e; // as before: other errors are not a stage's failure
        } catch (Throwable e) {
            return new StageFailedException("stage '" + stage.name() + "' failed: " + describe(e), false, e);
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
