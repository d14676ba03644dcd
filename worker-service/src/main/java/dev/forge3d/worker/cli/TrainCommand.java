package dev.forge3d.worker.cli;

import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.dataset.DatasetLoader;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SplatWriter;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.train.CheckpointIo;
import dev.forge3d.runtime.splat.train.Evaluation;
import dev.forge3d.runtime.splat.train.TrainConfig;
import dev.forge3d.runtime.splat.train.Trainer;
import dev.forge3d.runtime.splat.train.TrainingState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code forge3d train}: 3D Gaussian splatting on a posed dataset (NeRF-synthetic or COLMAP), CPU backend. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train 3D Gaussians on a posed dataset; writes point_cloud.ply, scene.splat, metrics.json and held-out renders.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Dataset folder: NeRF-synthetic (transforms_train.json) or COLMAP (sparse/0 + images/).")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--downscale", defaultValue = "1", description = "Integer image downscale factor applied on load (default: ${DEFAULT-VALUE}).")
    int downscale;

    @Option(names = "--iterations", description = "Iteration budget (default 30000 unless --max-seconds is given).")
    Integer iterations;

    @Option(names = "--max-seconds", description = "Training time budget in seconds; schedules scale to it.")
    Double maxSeconds;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: all processors).")
    Integer threads;

    @Mixin
    BackendOption backend;

    @Option(names = "--init-points", defaultValue = "100000", description = "Random initial points for scenes without SfM points (default: ${DEFAULT-VALUE}).")
    int initPoints;

    @Option(names = "--init-around-cameras", description = "Without SfM points: start the random cube where the cameras look, sized by their distance (what photo jobs with poses do), instead of NeRF-synthetic's +-1.3 around the origin.")
    boolean initAroundCameras;

    @Option(names = "--flatten", defaultValue = "0", description = "Weight of the flattening regulariser (mean smallest scale / scene extent; PGSR-style surface-aligned discs, for meshing); 0 = off (default: ${DEFAULT-VALUE}).")
    double flatten;

    @Option(names = "--opacity-sparsity", defaultValue = "0", description = "Weight of the L1 opacity regulariser (mean opacity; removes fog the photos do not need); 0 = off (default: ${DEFAULT-VALUE}).")
    double opacitySparsity;

    @Option(names = "--masks", paramLabel = "DIR", description = "Per-photo object masks (white = the object; PNGs named "
            + "<photo file name>.png or <photo stem>.png): each photo is composited over the background, as a job does "
            + "with an upload's masks.")
    Path masks;

    @Option(names = "--masked-background", defaultValue = "fixed", description = "Behind the masked photos while "
            + "training: fixed (the --background, as a job does), random (a new colour each iteration) or contrast (white "
            + "or black, whichever the object is further from) (default: ${DEFAULT-VALUE}).")
    String maskedBackground;

    @Option(names = "--background", defaultValue = "white", description = "white, black or r,g,b in 0..1 (default: ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--hold-out", defaultValue = "8", description = "Hold out every n-th view for evaluation, 0 = none (default: ${DEFAULT-VALUE}).")
    int holdOut;

    @Option(names = "--eval-at", split = ",", description = "Training seconds at which to evaluate held-out PSNR (e.g. 60,120,300,600).")
    List<Double> evalAt = new ArrayList<>();

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Save DIR/checkpoint.bin every N iterations (0 = only on cancel).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from a checkpoint written by an earlier run with the same options.")
    Path resume;

    @Option(names = "--renders", defaultValue = "4", description = "Held-out views to save as PNG beside ground truth (default: ${DEFAULT-VALUE}).")
    int renders;

    @Option(names = "--densify-until", description = "Fraction of the run during which to densify (default 0.5 as in 3DGS).")
    Double densifyUntil;

    @Option(names = "--densify-grad-threshold", description = "View-space gradient threshold for clone/split (default 0.0002 as in 3DGS).")
    Double densifyGradThreshold;

    @Option(names = "--densify-from", description = "Iteration at which densification starts (default 500 as in 3DGS).")
    Integer densifyFrom;

    @Option(names = "--densify-interval", description = "Iterations between densification steps (default 100 as in 3DGS).")
    Integer densifyInterval;

    @Option(names = "--sh-interval", description = "Iterations between raising the SH degree by one (default 1000 as in 3DGS).")
    Integer shInterval;

    @Option(names = "--random-points-with-sfm", defaultValue = "0", description = "Random points added beside a COLMAP scene's own points, where the cameras look (as --init-around-cameras places them; none when the cameras do not converge); 0 = SfM points alone (default: ${DEFAULT-VALUE}).")
    int randomPointsWithSfm;

    @Option(names = "--max-gaussians", description = "Stop cloning/splitting at this many Gaussians (default 3000000).")
    Integer maxGaussians;

    static float[] parseBackground(String s) {
        return switch (s.toLowerCase()) {
            case "white" -> new float[] {1, 1, 1};
            case "black" -> new float[] {0, 0, 0};
            default -> {
                String[] p = s.split(",");
                if (p.length != 3) throw new IllegalArgumentException("--background must be white, black or r,g,b");
                float[] b = new float[3];
                for (int i = 0; i < 3; i++) {
                    b[i] = Float.parseFloat(p[i].strip());
                    if (!(b[i] >= 0 && b[i] <= 1)) throw new IllegalArgumentException("--background values must be in 0..1");
                }
                yield b;
            }
        };
    }

    @Override
    public Integer call() throws Exception {
        TrainConfig cfg = new TrainConfig();
        if (iterations == null && maxSeconds == null) cfg.iterations = 30_000;
        else {
            cfg.iterations = iterations == null ? 0 : iterations;
            cfg.maxSeconds = maxSeconds == null ? 0 : maxSeconds;
        }
        cfg.seed = seed;
        if (threads != null) cfg.threads = threads;
        cfg.initPoints = initPoints;
        cfg.initAroundCameras = initAroundCameras;
        cfg.flattenWeight = flatten;
        cfg.opacitySparsityWeight = opacitySparsity;
        cfg.background = parseBackground(background);
        cfg.maskedBackground = switch (maskedBackground) {
            case "fixed" -> TrainConfig.MaskedBackground.FIXED;
            case "random" -> TrainConfig.MaskedBackground.RANDOM;
            case "contrast" -> TrainConfig.MaskedBackground.CONTRAST;
            default -> throw new IllegalArgumentException("--masked-background must be fixed, random or contrast, not " + maskedBackground);
        };
        cfg.evalAtSeconds = new ArrayList<>(evalAt);
        cfg.checkpointEvery = checkpointEvery;
        if (densifyUntil != null) cfg.densifyUntilFraction = densifyUntil;
        if (maxGaussians != null) cfg.maxGaussians = maxGaussians;
        if (densifyGradThreshold != null) cfg.densifyGradThreshold = densifyGradThreshold;
        if (densifyFrom != null) cfg.densifyFrom = densifyFrom;
        if (densifyInterval != null) cfg.densifyInterval = densifyInterval;
        if (shInterval != null) cfg.shDegreeInterval = shInterval;
        cfg.randomPointsWithSfm = randomPointsWithSfm;
        cfg.validate();

        long start = System.nanoTime();
        SceneDataset ds = DatasetLoader.load(data, new LoadOptions(downscale, cfg.background, holdOut));
        if (masks != null) ds = ViewMasks.composited(ds, masks, cfg.background);
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("forge3d train: %s, %d training and %d held-out views at %dx%d, %d threads%n", ds.name(), ds.train().size(),
                ds.test().size(), ds.train().get(0).image().width(), ds.train().get(0).image().height(), cfg.threads);
        Files.createDirectories(out);
        Path checkpoint = out.resolve("checkpoint.bin");
        TrainingState resumed = resume == null ? null : CheckpointIo.read(resume, cfg.adamEps);

        try (dev.forge3d.runtime.splat.raster.Rasterizer raster = backend.open(cfg.threads);
             ConsoleProgressBar bar = new ConsoleProgressBar(System.out);
             Trainer trainer = new Trainer(ds, cfg, raster, resumed)) {
            if (cfg.maskedBackground == TrainConfig.MaskedBackground.CONTRAST) {
                System.out.println("masked views trained over " + java.util.Arrays.toString(trainer.contrastingBackground()));
            }
            trainer.onCheckpoint(s -> CheckpointIo.write(s, checkpoint));
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                bar.requestCancel();
                try { stopped.await(30, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            Trainer.Result result;
            try {
                result = trainer.train(bar);
            } catch (CancelledException e) {
                CheckpointIo.write(trainer.state(), checkpoint);
                System.err.println("forge3d train: canceled at iteration " + trainer.state().iteration + "; checkpoint saved to " + checkpoint);
                stopped.countDown();
                throw e;
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            stopped.countDown();
            bar.onProgress(Progress.of("export", 0, Double.NaN, "writing outputs"));

            RasterSettings settings = new RasterSettings(cfg.background);
            Evaluation.Result eval = Evaluation.evaluate(trainer.model(), ds.test(), raster, settings);
            PlyWriter.write(trainer.model(), out.resolve("point_cloud.ply"));
            SplatWriter.write(trainer.model(), out.resolve("scene.splat"));
            Path renderDir = out.resolve("renders");
            for (int i = 0; i < Math.min(renders, ds.test().size()); i++) {
                View v = ds.test().get(i);
                RgbImage img = Evaluation.render(trainer.model(), v, raster, settings);
                ImageIo.writePng(img, renderDir.resolve(v.name() + ".png"));
                ImageIo.writePng(v.image(), renderDir.resolve(v.name() + "_gt.png"));
            }
            writeMetrics(cfg, ds, result, eval, loadSeconds, trainer);
            bar.onProgress(Progress.of("export", 1, 0, "done"));
            System.out.printf("forge3d train: %d iterations in %.1f s (%.2f it/s), %d Gaussians, held-out PSNR %.2f dB, SSIM %.4f -> %s%n",
                    result.iterations(), result.seconds(), result.iterations() / Math.max(1e-9, result.seconds()), result.gaussians(),
                    eval.psnr(), eval.ssim(), out);
        }
        return 0;
    }

    private void writeMetrics(TrainConfig cfg, SceneDataset ds, Trainer.Result r, Evaluation.Result eval, double loadSeconds, Trainer trainer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("psnr", eval.psnr());
        m.put("ssim", eval.ssim());
        m.put("gaussians", r.gaussians());
        m.put("iterations", r.iterations());
        m.put("seconds", r.seconds());
        m.put("iterations_per_second", r.iterations() / Math.max(1e-9, r.seconds()));
        m.put("threads", cfg.threads);
        m.put("flatten_weight", cfg.flattenWeight);
        m.put("opacity_sparsity_weight", cfg.opacitySparsityWeight);
        m.put("backend", backend.selected());
        m.put("dataset", ds.name());
        m.put("width", ds.train().get(0).image().width());
        m.put("height", ds.train().get(0).image().height());
        m.put("train_views", ds.train().size());
        m.put("test_views", ds.test().size());
        m.put("seed", cfg.seed);
        m.put("load_seconds", loadSeconds);
        m.put("train_psnr_estimate", r.trainPsnrEstimate());
        m.put("scene_extent", trainer.extent());
        List<Map<String, Object>> curve = new ArrayList<>();
        for (Trainer.CurvePoint p : r.curve()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("seconds", p.seconds()); c.put("iteration", p.iteration()); c.put("gaussians", p.gaussians());
            c.put("psnr", p.psnr()); c.put("ssim", p.ssim());
            curve.add(c);
        }
        m.put("curve", curve);
        List<Map<String, Object>> views = new ArrayList<>();
        for (Evaluation.ViewScore v : eval.views()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", v.name()); c.put("psnr", v.psnr()); c.put("ssim", v.ssim());
            views.add(c);
        }
        m.put("views", views);
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        json.writeValue(out.resolve("metrics.json").toFile(), m);
    }
}
