package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.Priors;
import dev.forge3d.runtime.sds.SdsConfig;
import dev.forge3d.runtime.sds.TextTo3d;
import dev.forge3d.worker.pipeline.JobParams;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code text-to-3d} job: score distillation from the job's {@code prompt} (params {@code seed},
 * {@code maxSeconds}, {@code iterations}, {@code guidance}, {@code attempts} optional), writing {@code model.glb}, {@code scene.ply},
 * {@code scene.splat} and {@code preview.png}; the run's figures and the judge's reading go to the job's metrics.
 * The prior is the worker's, not the job's: {@code builtin} unless the environment variable {@code FORGE3D_PRIOR}
 * names a model directory. It is loaded on the first job and kept; a missing or broken directory fails the job
 * with the reason.
 */
public final class TextTo3dStage implements Stage {

    public static final String NAME = "text-to-3d";
    /** Longest time budget a job may ask for. */
    static final double MAX_SECONDS = 3600;

    private final Supplier<DiffusionPrior> priorFactory;
    private DiffusionPrior prior;

    public TextTo3dStage() {
        this(() -> Priors.open(System.getenv().getOrDefault("FORGE3D_PRIOR", "builtin")));
    }

    public TextTo3dStage(Supplier<DiffusionPrior> priorFactory) {
        this.priorFactory = priorFactory;
    }

    @Override
    public String name() { return NAME; }

    private synchronized DiffusionPrior prior() {
        if (prior == null) {
            try {
                prior = priorFactory.get();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new StageFailedException("the worker's diffusion prior cannot be loaded: " + e.getMessage());
            }
        }
        return prior;
    }

    @Override
    public void run(StageContext ctx) {
        JobParams p = ctx.params();
        String prompt = p.string("prompt").map(String::strip).orElse("");
        if (prompt.isEmpty()) throw new StageFailedException("a text-to-3d job needs a non-empty 'prompt'");
        if (prompt.length() > 500) throw new StageFailedException("the prompt is longer than 500 characters");
        SdsConfig cfg = new SdsConfig();
        cfg.seed = p.integer("seed", 0);
        double maxSeconds = p.decimal("maxSeconds", 0);
        if (maxSeconds < 0 || maxSeconds > MAX_SECONDS) throw new StageFailedException("maxSeconds must be in 0.." + (int) MAX_SECONDS);
        int iterations = p.integer("iterations", maxSeconds > 0 ? 0 : cfg.iterations);
        if (iterations < 0 || iterations > 100_000) throw new StageFailedException("iterations must be in 0..100000");
        cfg.iterations = iterations;
        cfg.maxSeconds = maxSeconds;
        if (p.has("guidance")) cfg.guidance = p.decimal("guidance", Double.NaN);
        cfg.attempts = p.integer("attempts", cfg.attempts);
        try {
            cfg.validate();
        } catch (IllegalArgumentException e) {
            throw new StageFailedException(e.getMessage());
        }
        TextTo3d.Outcome o = TextTo3d.run(prior(), prompt, cfg, ctx.outputDir(), new TextTo3dProgress(ctx.progress()), false);
        JsonNode figures = new ObjectMapper().valueToTree(o.metrics());
        for (Map.Entry<String, JsonNode> e : figures.properties()) ctx.metrics().set(e.getKey(), e.getValue());
    }
}
