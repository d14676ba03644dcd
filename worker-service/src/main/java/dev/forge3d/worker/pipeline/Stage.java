package dev.forge3d.worker.pipeline;

/**
 * One step of a job's pipeline (ingest, SfM, train, export, ...), one class each. A stage reads what it needs from
 * the {@link StageContext} (inputs, params, results of earlier stages in {@link StageContext#shared()}), writes
 * artifacts under {@link StageContext#outputDir()}, reports progress through {@link StageContext#progress()} and
 * polls {@link dev.forge3d.runtime.progress.ProgressListener#checkCancelled()} between units of work so a cancel
 * or a lost lease stops it within seconds.
 *
 * <p>To fail the job with a reason a user can act on, throw {@link StageFailedException}; any other exception
 * fails the job with the exception's message.
 */
public interface Stage {

    /** Short stable name, shown as the job's {@code stage} (e.g. {@code "train"}). */
    String name();

    void run(StageContext context) throws Exception;
}
