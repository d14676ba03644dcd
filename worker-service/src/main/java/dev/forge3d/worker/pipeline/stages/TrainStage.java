package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.dataset.DatasetLoader;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.CheckpointIo;
import dev.forge3d.runtime.splat.train.TrainConfig;
import dev.forge3d.runtime.splat.train.Trainer;
import dev.forge3d.runtime.splat.train.TrainingState;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * 3D Gaussian splatting on the posed scene (CPU backend) with the job's preset, iterations, seed and background.
 * The training state is saved to the job's checkpoint {@code train/state.bin} every N iterations or T seconds
 * (whichever comes first, {@link WorkerLimits}), and once more when the worker hands the job back on shutdown
 * ({@link dev.forge3d.worker.pipeline.Checkpoints#handingBack()}); a new attempt resumes from it. A cancel is seen
 * between iterations.
 */
public final class TrainStage implements Stage {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TrainStage.class);

    public static final String NAME = "train";
    /** Shared key of the {@link Output}. */
    public static final String OUTPUT = "trained";
    static final String CHECKPOINT = "train/state.bin";

    /** The trained model and the data it was trained on. */
    public record Output(GaussianModel model, SceneDataset dataset, Trainer.Result result, float[] background) { }

    private final WorkerLimits limits;

    public TrainStage(WorkerLimits limits) {
        this.limits = limits;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        PhotoJobOptions options = ctx.shared(IngestStage.OPTIONS, PhotoJobOptions.class).orElseThrow();
        SfmStage.Output scene = ctx.shared(SfmStage.OUTPUT, SfmStage.Output.class)
                .orElseThrow(() -> new IllegalStateException("the sfm stage did not run"));
        // Say up front when this worker's caps lowered the job's budget, so it never happens silently.
        ctx.progress().onProgress(Progress.of(NAME, 0, Double.NaN, options.capped().isEmpty() ? "loading the posed photos"
                : "capped by this worker: " + String.join(", ", options.capped())));
        SceneDataset data = load(scene.sceneDir(), options.background());
        try {
            data = ViewMasks.withCoverage(data, IngestStage.coverageDir(scene.sceneDir().resolve("images")));
        } catch (IOException e) {
            throw new StageFailedException("the masked photos' coverage cannot be read: " + e.getMessage());
        }

        TrainConfig cfg = config(options, Math.max(1, ctx.job().capabilities().threads()));
        Path local = ctx.workDir().resolve("train-state.bin");
        TrainingState resumed = null;
        if (ctx.checkpoints().fetch(CHECKPOINT, local)) {
            try {
                resumed = CheckpointIo.read(local, cfg.adamEps);
            } catch (RuntimeException e) {
                resumed = null; // unreadable (another version): start over rather than fail the job
            }
        }
        ObjectNode m = ctx.metrics().putObject("train");
        m.put("trainViews", data.train().size());
        m.put("heldOutViews", data.test().size());
        m.put("resolution", data.train().get(0).image().width() + "x" + data.train().get(0).image().height());
        m.put("resumedFromIteration", resumed == null ? 0 : resumed.iteration);
        long masked = data.train().stream().filter(v -> v.coverage() != null).count();
        m.put("maskedViews", masked);
        if (masked > 0) m.put("maskedBackground", cfg.maskedBackground.name().toLowerCase(java.util.Locale.ROOT));
        if (resumed != null) {
            ctx.progress().onProgress(Progress.of(NAME, (double) resumed.iteration / cfg.iterations, Double.NaN,
                    "resuming from the checkpoint at iteration " + resumed.iteration));
        }

        Trainer.Result result;
        int[] saved = {0};
        boolean[] savedOnHandBack = {false};
        try (CpuRasterizer raster = new CpuRasterizer(cfg.threads)) {
            Trainer trainer = new Trainer(data, cfg, raster, resumed);
            if (masked > 0 && cfg.maskedBackground == TrainConfig.MaskedBackground.CONTRAST) {
                float[] b = trainer.contrastingBackground();
                m.put("maskedBackgroundColour", b[0] > 0.5f ? "white" : "black");
            }
            int lastIt = resumed == null ? 0 : resumed.iteration;
            long[] last = {lastIt, System.nanoTime()};
            trainer.onCheckpoint(state -> {
                boolean byIterations = state.iteration - last[0] >= limits.checkpointEveryIterations();
                boolean bySeconds = (System.nanoTime() - last[1]) / 1e9 >= limits.checkpointEverySeconds();
                // The sink runs after every iteration and before the progress report that stops the stage.
                boolean handBack = !savedOnHandBack[0] && ctx.checkpoints().handingBack();
                if (!(byIterations || bySeconds || handBack) || state.iteration >= cfg.iterations) return;
                if (handBack) {
                    savedOnHandBack[0] = true;
                    log.info("job {}: handing the job back, saving the training state at iteration {}",
                            ctx.jobId(), state.iteration);
                }
                CheckpointIo.write(state, local);
                try {
                    ctx.checkpoints().save(CHECKPOINT, local);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not save the training checkpoint: " + e.getMessage(), e);
                }
                last[0] = state.iteration;
                last[1] = System.nanoTime();
                saved[0]++;
            });
            result = trainer.train(ctx.progress());
            ctx.shared().put(OUTPUT, new Output(trainer.model(), data, result, options.background()));
        }
        m.put("iterations", result.iterations());
        m.put("seconds", SfmStage.round(result.seconds(), 3));
        m.put("iterationsPerSecond", SfmStage.round(result.iterations() / Math.max(1e-9, result.seconds()), 2));
        m.put("gaussians", result.gaussians());
        m.put("trainPsnrEstimate", SfmStage.round(result.trainPsnrEstimate(), 3));
        m.put("checkpointsSaved", saved[0]);
    }

    private static SceneDataset load(Path sceneDir, float[] background) {
        try {
            long images;
            try (var s = Files.list(sceneDir.resolve("images"))) {
                images = s.count();
            }
            // 3DGS holds out every 8th view; a set too small to spare one trains on all of them.
            int holdOut = images >= 4 ? 8 : 0;
            return DatasetLoader.load(sceneDir, new LoadOptions(1, background, holdOut));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new StageFailedException("the posed photos cannot be loaded for training: " + e.getMessage());
        }
    }

    /** Below this many iterations the densification schedule is scaled down with the run. */
    static final int SCHEDULE_ITERATIONS = 2000;
    static final int MIN_DENSIFY_INTERVAL = 10;
    /** Random initial points of a posed upload (SfM results start from their own points). */
    static final int INIT_POINTS = 100_000;
    static final int MIN_INIT_POINTS = 10_000;

    /** The Inria schedule, scaled down for short budgets (densification and the SH schedule scale with the run). */
    static TrainConfig config(PhotoJobOptions o, int threads) {
        TrainConfig c = new TrainConfig();
        c.initAroundCameras = true; // posed uploads and SfM results come in any frame and unit
        c.iterations = o.iterations();
        c.seed = o.seed();
        c.threads = threads;
        c.background = o.background();
        // -Dforge3d.train.maskedBackground=random|contrast trains masked photos behind other colours (to measure it)
        String masked = System.getProperty("forge3d.train.maskedBackground", "fixed");
        try {
            c.maskedBackground = TrainConfig.MaskedBackground.valueOf(masked.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("this worker's -Dforge3d.train.maskedBackground=" + masked
                    + " is not fixed, random or contrast");
        }
        c.checkpointEvery = 1; // the sink decides by iterations or seconds
        c.maxGaussians = o.preset().maxGaussians;
        int n = o.iterations();
        // Inria's densification (from 500, every 100, until half the run) as is from 2000 iterations up; a shorter
        // run gets the 2000-iteration one scaled down, so it densifies as many times as that run (4) and not more:
        // densifying earlier and more often grew 3x the Gaussians and lost 3 dB (docs/trainer.md, job schedule).
        double shorter = Math.min(1.0, n / (double) SCHEDULE_ITERATIONS);
        c.densifyFrom = Math.max(1, (int) Math.round(500 * shorter));
        c.densifyInterval = Math.max(MIN_DENSIFY_INTERVAL, (int) Math.round(100 * shorter));
        c.shDegreeInterval = Math.min(1000, Math.max(1, n / 4));
        // Inria's 100,000 random points from 2000 iterations up: on the tuning vase 10,000 and 30,000 points meshed at
        // F@1 % 0.53 and 0.66 against 0.79 (docs/trainer.md, job schedule), for 2.4x the training time of 10,000.
        // A shorter run cannot fit that many (600 iterations: 16.6 dB from 100,000, 17.4 dB from 10,000), so fewer.
        c.initPoints = Math.max(MIN_INIT_POINTS, (int) Math.round(INIT_POINTS * shorter));
        // SfM results start from their own points alone (3DGS). Random points beside them helped the tuning mug but
        // made report-shoe's mesh 4-5 mm too fat all round (docs/trainer.md), so they stay off.
        c.randomPointsWithSfm = 0;
        return c;
    }
}
