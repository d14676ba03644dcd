package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.camera.CameraFocus;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ImageMetrics;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.densify.Densifier;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * The 3DGS training loop: one random training view per iteration, photometric loss, backward through the
 * rasterizer, Adam, adaptive density control, SH degree schedule and opacity reset. Deterministic for a fixed
 * seed and thread count when the run is bounded by iterations (a time budget makes the schedule depend on speed).
 */
public final class Trainer implements AutoCloseable {

    /** A held-out evaluation taken during training. */
    public record CurvePoint(double seconds, int iteration, int gaussians, double psnr, double ssim) { }

    /** Summary of a run. */
    public record Result(int iterations, double seconds, int gaussians, double trainPsnrEstimate, List<CurvePoint> curve) { }

    private final SceneDataset data;
    private final TrainConfig cfg;
    private final Rasterizer rasterizer;
    private final RasterSettings settings;
    private final TrainingState state;
    private final double extent;
    private final PhotometricLoss loss;
    private final GaussianGradients grads = new GaussianGradients(0);
    private final ForkJoinPool pool;
    /** The background masked views are trained against under {@link TrainConfig.MaskedBackground#CONTRAST}. */
    private final RasterSettings contrast;
    private final List<CurvePoint> curve = new ArrayList<>();
    private Consumer<TrainingState> checkpointSink = s -> { };
    private Densifier.Outcome lastDensify;

    /** A fresh run: initial Gaussians from the dataset's points, or random ones for synthetic scenes. */
    public Trainer(SceneDataset data, TrainConfig cfg, Rasterizer rasterizer) {
        this(data, cfg, rasterizer, null);
    }

    /** Resumes from {@code resumed} when not null. */
    public Trainer(SceneDataset data, TrainConfig cfg, Rasterizer rasterizer, TrainingState resumed) {
        cfg.validate();
        this.data = data;
        this.cfg = cfg;
        this.rasterizer = rasterizer;
        this.settings = new RasterSettings(cfg.background);
        this.extent = sceneExtent(data.train());
        this.loss = new PhotometricLoss(cfg.lambdaDssim);
        this.pool = new ForkJoinPool(cfg.threads);
        this.contrast = cfg.maskedBackground == TrainConfig.MaskedBackground.CONTRAST
                ? new RasterSettings(MaskedViews.contrastingBackground(data.train(), cfg.background)) : settings;
        if (resumed != null) {
            state = resumed;
        } else {
            state = new TrainingState(cfg.seed);
            state.model = initialModel(data, cfg, state.rng);
            state.adam = new Adam(state.model.size(), cfg.adamEps);
            state.stats.reset(state.model.size());
        }
    }

    private static GaussianModel initialModel(SceneDataset data, TrainConfig cfg, Rng rng) {
        if (!data.hasPoints()) {
            GaussianModel around = cfg.initAroundCameras ? aroundCameras(data, cfg.initPoints, rng) : null;
            return around != null ? around : GaussianInitializer.random(cfg.initPoints, cfg.initHalfExtent, rng);
        }
        // never more than the Gaussian ceiling (the job's memory estimate is made from it)
        int count = Math.min(cfg.randomPointsWithSfm, Math.max(0, cfg.maxGaussians - data.points().length / 3));
        // only where the cameras converge on an object: SfM's frame has no fixed scale for a cube around the origin
        GaussianModel random = count > 0 ? aroundCameras(data, count, rng) : null;
        return random == null ? GaussianInitializer.fromPoints(data.points(), data.colours())
                : GaussianInitializer.fromPointsAndModel(data.points(), data.colours(), random);
    }

    /** Random points around what the cameras look at, or null when they do not converge on one place. */
    private static GaussianModel aroundCameras(SceneDataset data, int count, Rng rng) {
        CameraFocus focus = CameraFocus.of(data.train().stream().map(View::camera).toList());
        if (focus == null || focus.facing() < 0.8) return null;
        // half the points where the cameras look (the object), half over ten times that reach (the
        // surroundings the photos also show, which would otherwise be fitted by floaters near the object)
        double core = TrainConfig.INIT_EXTENT_PER_DISTANCE * focus.medianDistance();
        GaussianModel m = GaussianInitializer.random(count, core, rng);
        float[] p = m.positions();
        for (int i = 0; i < 3 * m.size(); i++) {
            if (i / 3 >= m.size() / 2) p[i] *= 10;
            p[i] += (float) focus.point()[i % 3];
        }
        return m;
    }

    /** Stops the trainer's worker threads (the rasterizer is the caller's to close). */
    @Override
    public void close() {
        pool.shutdown();
    }

    /** Receives the state every {@link TrainConfig#checkpointEvery} iterations (to save it). */
    public void onCheckpoint(Consumer<TrainingState> sink) { this.checkpointSink = sink; }

    public TrainingState state() { return state; }

    public GaussianModel model() { return state.model; }

    public double extent() { return extent; }

    public List<CurvePoint> curve() { return List.copyOf(curve); }

    /** 3DGS's camera extent: 1.1 x the largest distance of a camera centre from their mean. */
    public static double sceneExtent(List<View> views) {
        double[] mean = new double[3];
        for (View v : views) { double[] c = v.camera().pose().centre(); for (int k = 0; k < 3; k++) mean[k] += c[k] / views.size(); }
        double max = 0;
        for (View v : views) {
            double[] c = v.camera().pose().centre();
            double d = Math.sqrt(Math.pow(c[0] - mean[0], 2) + Math.pow(c[1] - mean[1], 2) + Math.pow(c[2] - mean[2], 2));
            max = Math.max(max, d);
        }
        return 1.1 * Math.max(max, 1e-6);
    }

    /** Fraction of the run done, by iterations or by time (whichever is further). */
    double progress() {
        double p = 0;
        if (cfg.iterations > 0) p = (double) state.iteration / cfg.iterations;
        if (cfg.maxSeconds > 0) p = Math.max(p, state.trainingNanos / 1e9 / cfg.maxSeconds);
        return Math.min(1, p);
    }

    private boolean finished() {
        return (cfg.iterations > 0 && state.iteration >= cfg.iterations)
                || (cfg.maxSeconds > 0 && state.trainingNanos / 1e9 >= cfg.maxSeconds);
    }

    private boolean densifying() {
        return state.iteration < densifyUntil();
    }

    /**
     * The iteration at which densification stops: a fraction of the iteration budget, or, under a time budget, of
     * the iterations the run is on course to reach at its current speed.
     */
    double densifyUntil() {
        if (cfg.iterations > 0 && cfg.maxSeconds == 0) return cfg.densifyUntilFraction * cfg.iterations;
        double p = progress();
        double expected = p > 0 ? state.iteration / p : Double.POSITIVE_INFINITY;
        if (cfg.iterations > 0) expected = Math.min(expected, cfg.iterations);
        return cfg.densifyUntilFraction * expected;
    }

    /** Runs until the budget is spent; throws {@link dev.forge3d.runtime.progress.CancelledException} on cancel. */
    public Result train(ProgressListener listener) {
        List<View> views = data.train();
        int nextEval = 0;
        List<Double> evalAt = new ArrayList<>(cfg.evalAtSeconds);
        evalAt.sort(Double::compare);
        while (nextEval < evalAt.size() && evalAt.get(nextEval) * 1e9 <= state.trainingNanos) nextEval++;
        float[] grad = new float[0];
        float[] recomposited = new float[0];
        double[] lr = new double[ParamGroup.ALL.length];
        long lastCheck = System.nanoTime();
        while (!finished()) {
            listener.checkCancelled();
            long t0 = System.nanoTime();
            state.iteration++;
            int it = state.iteration;
            GaussianModel model = state.model;
            if (cfg.shDegreeInterval > 0 && it % cfg.shDegreeInterval == 0 && model.shDegree() < cfg.maxShDegree) {
                model.setShDegree(model.shDegree() + 1);
            }
            View view = views.get(state.nextView(views.size()));
            RasterSettings background = settings;
            float[] target = view.image().data();
            if (cfg.maskedBackground != TrainConfig.MaskedBackground.FIXED && view.coverage() != null) {
                background = cfg.maskedBackground == TrainConfig.MaskedBackground.RANDOM
                        ? new RasterSettings(new float[] {(float) state.rng.nextDouble(), (float) state.rng.nextDouble(),
                                (float) state.rng.nextDouble()})
                        : contrast;
                if (recomposited.length != target.length) recomposited = new float[target.length];
                MaskedViews.recomposite(target, view.coverage(), cfg.background, background.background(), recomposited);
                target = recomposited;
            }
            RenderResult res = rasterizer.forward(model, view.camera(), background);
            int w = res.width(), h = res.height();
            if (grad.length != 3 * w * h) grad = new float[3 * w * h];
            PhotometricLoss.Value lv = loss.evaluate(res.rgb(), target, w, h, grad);
            grads.reset(model.size());
            rasterizer.backward(res, ImageGradient.ofRgb(grad), grads);
            if (cfg.flattenWeight > 0) FlatteningLoss.addGradient(model, cfg.flattenWeight, extent, grads);
            if (cfg.opacitySparsityWeight > 0) OpacitySparsityLoss.addGradient(model, cfg.opacitySparsityWeight, grads);

            boolean densifying = densifying();
            if (densifying) state.stats.add(grads, res.radii(), w, h);

            double t = progress();
            lr[ParamGroup.POSITION.ordinal()] = Math.exp(Math.log(cfg.lrPositionInit * extent) * (1 - t) + Math.log(cfg.lrPositionFinal * extent) * t);
            lr[ParamGroup.LOG_SCALE.ordinal()] = cfg.lrScaling;
            lr[ParamGroup.ROTATION.ordinal()] = cfg.lrRotation;
            lr[ParamGroup.OPACITY.ordinal()] = cfg.lrOpacity;
            lr[ParamGroup.SH_DC.ordinal()] = cfg.lrFeatureDc;
            lr[ParamGroup.SH_REST.ordinal()] = cfg.lrFeatureRest;
            state.adam.update(model, grads, lr, pool);

            if (densifying) {
                if (it > cfg.densifyFrom && it % cfg.densifyInterval == 0) {
                    Densifier.Settings ds = new Densifier.Settings(
                            model.size() >= cfg.maxGaussians ? Double.POSITIVE_INFINITY : cfg.densifyGradThreshold,
                            cfg.percentDense, 0.005);
                    lastDensify = Densifier.densifyAndPrune(model, new GaussianTable[] {state.adam.firstMoments(), state.adam.secondMoments()},
                            state.stats, ds, extent, it > cfg.opacityResetInterval, state.rng);
                }
                boolean white = cfg.background[0] == 1 && cfg.background[1] == 1 && cfg.background[2] == 1;
                // 3DGS resets opacities every 3000 iterations (and once at the start of densification on white
                // backgrounds); a reset is only useful with densification time left to recover, so a short run
                // skips the resets that would leave less than one interval of densification after them.
                boolean room = cfg.opacityResetInterval > 0 && it + cfg.opacityResetInterval <= densifyUntil();
                if (room && (it % cfg.opacityResetInterval == 0 || (white && it == cfg.densifyFrom))) {
                    Densifier.resetOpacity(model, 0.01f);
                    state.adam.resetGroup(ParamGroup.OPACITY);
                }
            }
            state.trainingNanos += System.nanoTime() - t0;

            double psnr = ImageMetrics.psnrFromMse(lv.mse());
            state.psnrEstimate = Double.isNaN(state.psnrEstimate) ? psnr : 0.95 * state.psnrEstimate + 0.05 * psnr;
            state.lossEstimate = Double.isNaN(state.lossEstimate) ? lv.loss() : 0.95 * state.lossEstimate + 0.05 * lv.loss();

            if (cfg.checkpointEvery > 0 && it % cfg.checkpointEvery == 0) checkpointSink.accept(state);
            while (nextEval < evalAt.size() && state.trainingNanos >= evalAt.get(nextEval) * 1e9) {
                Evaluation.Result e = Evaluation.evaluate(model, data.test(), rasterizer, settings);
                curve.add(new CurvePoint(state.trainingNanos / 1e9, it, model.size(), e.psnr(), e.ssim()));
                nextEval++;
            }
            long now = System.nanoTime();
            if (now - lastCheck > 100_000_000L || finished()) {
                lastCheck = now;
                report(listener);
            }
        }
        return new Result(state.iteration, state.trainingNanos / 1e9, state.model.size(), state.psnrEstimate, curve());
    }

    /** The background masked views are trained against under {@link TrainConfig.MaskedBackground#CONTRAST}. */
    public float[] contrastingBackground() { return contrast.background(); }

    private void report(ProgressListener listener) {
        double secs = state.trainingNanos / 1e9;
        double frac = progress();
        double eta = frac > 0 ? secs * (1 - frac) / frac : Double.NaN;
        double itps = secs > 0 ? state.iteration / secs : 0;
        String msg = String.format(Locale.ROOT, "it %d  loss %.4f  psnr~%.2f  gaussians %d  %.1f it/s",
                state.iteration, state.lossEstimate, state.psnrEstimate, state.model.size(), itps);
        if (lastDensify != null) msg += String.format(Locale.ROOT, "  (last densify +%d clone +%d split -%d prune)",
                lastDensify.cloned(), lastDensify.split(), lastDensify.pruned());
        listener.onProgress(new Progress("train", frac, eta, msg, Map.of(
                "iteration", (double) state.iteration, "loss", state.lossEstimate, "psnr", state.psnrEstimate,
                "gaussians", (double) state.model.size(), "seconds", secs)));
    }
}
