package dev.forge3d.worker.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which pipeline runs which job type. A worker leases only the job types its registry knows. Later issues replace
 * the diagnostic pipelines with the real stages: {@code PipelineRegistry.diagnostic().with(realPipeline)}.
 */
public final class PipelineRegistry {

    public static final String PHOTOS_TO_SPLAT = "photos-to-splat";
    public static final String TEXT_TO_3D = "text-to-3d";

    private final Map<String, Pipeline> pipelines;
    private final List<String> order;

    private PipelineRegistry(Map<String, Pipeline> pipelines) {
        this.pipelines = Map.copyOf(pipelines);
        this.order = List.copyOf(pipelines.keySet());
    }

    public static PipelineRegistry of(Pipeline... pipelines) {
        Map<String, Pipeline> m = new LinkedHashMap<>();
        for (Pipeline p : pipelines) m.put(p.jobType(), p);
        return new PipelineRegistry(m);
    }

    /**
     * Both job types run only {@link DiagnosticStage}, which lists the inputs and params in {@code manifest.json}
     * and produces no 3D output: for tests of the runner and the protocol, not for real workers.
     */
    public static PipelineRegistry diagnostic() {
        return of(Pipeline.builder(PHOTOS_TO_SPLAT).stage(new DiagnosticStage(), 1).build(),
                Pipeline.builder(TEXT_TO_3D).stage(new DiagnosticStage(), 1).build());
    }

    /**
     * The worker's default: photos-to-splat runs ingest, SfM, training and export, text-to-3d runs score
     * distillation, with the CPU limits ({@link dev.forge3d.worker.pipeline.stages.PhotoToSplat#registry()}).
     */
    public static PipelineRegistry standard() {
        return dev.forge3d.worker.pipeline.stages.PhotoToSplat.registry();
    }

    /** A registry with {@code pipeline} added, or replacing the one for its job type. */
    public PipelineRegistry with(Pipeline pipeline) {
        Map<String, Pipeline> m = new LinkedHashMap<>();
        for (String t : order) m.put(t, pipelines.get(t));
        m.put(pipeline.jobType(), pipeline);
        return new PipelineRegistry(m);
    }

    public Optional<Pipeline> pipeline(String jobType) {
        return Optional.ofNullable(pipelines.get(jobType));
    }

    /** The job types this worker can run, in registration order. */
    public List<String> jobTypes() {
        return order;
    }
}
