package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.TextTo3dJobOptions;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.Priors;
import dev.forge3d.runtime.sds.SdsConfig;
import dev.forge3d.runtime.sds.TextTo3d;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code text-to-3d} job: score distillation from the job's {@code prompt} (options in
 * {@link TextTo3dJobOptions}), writing {@code model.glb}, {@code scene.ply},
 * {@code scene.splat} and {@code preview.png}; the run's figures and the judge's reading go to the job's metrics.
 * The prior is the worker's, not the job's (a job must not name a folder on the worker's disk): {@code builtin} unless
 * the worker is configured with another ({@link #configuredPrior()}: {@code forge3d worker --prior DIR}, the system
 * property {@code forge3d.worker.prior}, which the API's embedded worker sets from its Spring property of that name, or
 * the environment variable {@code FORGE3D_PRIOR}). It is loaded on the first job and kept; a missing, broken or
 * mismatched directory fails the job with the reason, and every later job with the same reason.
 */
public final class TextTo3dStage implements Stage {

    public static final String NAME = "text-to-3d";
    private final Supplier<DiffusionPrior> priorFactory;
    private DiffusionPrior prior;

    public static final String PRIOR_PROPERTY = "forge3d.worker.prior", PRIOR_ENV = "FORGE3D_PRIOR";

    public TextTo3dStage() {
        this(configuredPrior());
    }

    /** A stage whose prior is {@code spec}: {@code builtin}, a {@code train-prior} folder or an exported SD folder. */
    public TextTo3dStage(String spec) {
        this(() -> Priors.open(spec));
    }

    /** The worker's prior: the system property {@value #PRIOR_PROPERTY}, else {@value #PRIOR_ENV}, else {@code builtin}. */
    public static String configuredPrior() {
        String p = System.getProperty(PRIOR_PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv(PRIOR_ENV);
        return p == null || p.isBlank() ? "builtin" : p.strip();
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
            } catch (IllegalArgumentException | IllegalStateException | ai.djl.engine.EngineException e) {
                throw new StageFailedException("the worker's diffusion prior cannot be loaded: " + e.getMessage());
            }
        }
        return prior;
    }

    @Override
    public void run(StageContext ctx) {
        TextTo3dJobOptions options;
        SdsConfig cfg;
        try {
            // The same parse the API ran when it accepted the job.
            options = TextTo3dJobOptions.parse(ctx.params().json());
            cfg = sdsConfig(options);
        } catch (IllegalArgumentException e) {
            throw new StageFailedException(e.getMessage());
        }
        String prompt = options.prompt();
        TextTo3d.Outcome o = TextTo3d.run(prior(), prompt, cfg, ctx.outputDir(), new TextTo3dProgress(ctx.progress()), false);
        JsonNode figures = new ObjectMapper().valueToTree(o.metrics());
        for (Map.Entry<String, JsonNode> e : figures.properties()) ctx.metrics().set(e.getKey(), e.getValue());
    }

    /** An SDS configuration with the job's options over the defaults. */
    static SdsConfig sdsConfig(TextTo3dJobOptions o) {
        SdsConfig cfg = new SdsConfig();
        cfg.seed = o.seed();
        cfg.maxSeconds = o.maxSeconds();
        cfg.iterations = o.iterations();
        cfg.guidance = o.guidance();
        cfg.attempts = o.attempts();
        cfg.validate();
        return cfg;
    }
}
