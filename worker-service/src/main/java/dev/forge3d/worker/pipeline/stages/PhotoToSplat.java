package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.worker.pipeline.Pipeline;
import dev.forge3d.worker.pipeline.PipelineRegistry;

/**
 * The {@code photos-to-splat} pipeline: ingest -> SfM -> train -> export, weighted by their usual share of a
 * CPU run's time (training dominates), and the worker's registry with it ({@code text-to-3d} keeps its own).
 */
public final class PhotoToSplat {

    private PhotoToSplat() { }

    public static Pipeline pipeline(WorkerLimits limits) {
        return Pipeline.builder(PipelineRegistry.PHOTOS_TO_SPLAT)
                .stage(new IngestStage(limits), 3)
                .stage(new SfmStage(), 15)
                .stage(new TrainStage(limits), 77)
                .stage(new ExportStage(), 5)
                .build();
    }

    /** The registry a worker runs: this pipeline for {@code photos-to-splat}, score distillation for {@code text-to-3d}. */
    public static PipelineRegistry registry(WorkerLimits limits) {
        return registry(limits, TextTo3dStage.configuredPrior());
    }

    /** As {@link #registry(WorkerLimits)}, with {@code prior} for text-to-3d ({@code builtin} or a model folder). */
    public static PipelineRegistry registry(WorkerLimits limits, String prior) {
        return PipelineRegistry.of(pipeline(limits),
                Pipeline.builder(PipelineRegistry.TEXT_TO_3D).stage(new TextTo3dStage(prior), 1).build());
    }

    /** {@link #registry(WorkerLimits)} with the CPU defaults (overridable by system properties / environment). */
    public static PipelineRegistry registry() {
        return registry(WorkerLimits.cpuDefaults());
    }
}
