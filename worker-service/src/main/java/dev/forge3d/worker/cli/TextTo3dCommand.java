package dev.forge3d.worker.cli;

import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.Priors;
import dev.forge3d.runtime.sds.SdsConfig;
import dev.forge3d.runtime.sds.TextTo3d;
import dev.forge3d.runtime.sds.selfcheck.SelfCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;

/** {@code forge3d text-to-3d}: a prompt to Gaussians by score distillation, then GLB, PLY, .splat, preview and metrics. */
@Command(name = "text-to-3d", mixinStandardHelpOptions = true,
        description = "Generate a 3D asset from a prompt by score distillation; writes model.glb, scene.ply, scene.splat, preview.png, metrics.json.")
public final class TextTo3dCommand implements Callable<Integer> {

    @Option(names = "--prompt", required = true, description = "What to make, e.g. \"a red cube\".")
    String prompt;

    @Option(names = "--prior", defaultValue = "builtin", description = "builtin, a train-prior output folder, or an exported Stable Diffusion TorchScript folder (default: ${DEFAULT-VALUE}).")
    String prior;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", description = "SDS iterations (default 2000, also with --max-seconds, which caps the run but does not stretch the schedule; 0 with --max-seconds: only the time budget).")
    Integer iterations;

    @Option(names = "--max-seconds", description = "SDS time budget in seconds.")
    Double maxSeconds;

    @Option(names = "--guidance", description = "Classifier-free guidance scale (default: the prior's).")
    Double guidance;

    @Option(names = "--attempts", description = "At most this many SDS runs: while the prior's self-check reads the result as another shape or colour and the time budget allows, another runs with its own seed, conditioned on the intended reading (default 3).")
    Integer attempts;

    @Option(names = "--threads", description = "Rasterizer threads (default: all processors).")
    Integer threads;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() {
        if (prompt.isBlank()) throw new IllegalArgumentException("--prompt is empty");
        SdsConfig cfg = config(seed, iterations, maxSeconds, guidance, threads, attempts);
        try (DiffusionPrior p = Priors.open(prior); ConsoleProgressBar bar = new ConsoleProgressBar(System.out)) {
            TextTo3d.Outcome o = TextTo3d.run(p, prompt, cfg, out, bar);
            bar.close();
            SelfCheck check = o.selfCheck();
            System.out.printf("forge3d text-to-3d: %d iterations in %.1f s (attempt %d of %d), %d Gaussians, mesh %d triangles; self-check: %s; judge: %s %s -> %s%n",
                    o.sds().iterations(), o.sds().seconds(), o.attempts().indexOf(o.kept()) + 1, o.attempts().size(), o.sds().gaussians(), o.mesh().triangleCount(),
                    check == null ? "none (open-vocabulary prior)" : (check.passed() ? "read as " : "failed, read as ") + String.join(", ", new LinkedHashSet<>(check.aspectWinners().values())),
                    o.judgement().colour() == null ? "?" : o.judgement().colour().word(), o.judgement().shape().word(), out);
        }
        return 0;
    }

    static SdsConfig config(long seed, Integer iterations, Double maxSeconds, Double guidance, Integer threads, Integer attempts) {
        SdsConfig cfg = new SdsConfig();
        cfg.seed = seed;
        // A time budget alone keeps the default iterations: the schedule (t_max and learning-rate annealing) converges
        // there, and stretching it over more iterations made shapes worse; --iterations 0 leaves only the time budget.
        if (iterations != null) cfg.iterations = iterations;
        if (maxSeconds != null) cfg.maxSeconds = maxSeconds;
        if (guidance != null) cfg.guidance = guidance;
        if (threads != null) cfg.threads = threads;
        if (attempts != null) cfg.attempts = attempts;
        cfg.validate();
        return cfg;
    }
}
