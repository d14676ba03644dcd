package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.densify.Densifier;
import dev.forge3d.runtime.splat.densify.DensifyStats;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.train.Adam;
import dev.forge3d.runtime.splat.train.Rng;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/**
 * DreamFusion-style score distillation on 3D Gaussians. Each iteration renders a few random orbit views at the
 * prior's resolution, noises them at timesteps from an annealed range, asks the prior for the guided noise with
 * the prompt plus the view's suffix (front / side / back view), and pushes {@code w(t) (ε̂ - ε)} as the image
 * gradient through the rasterizer's backward (no backprop through the denoiser), then takes an Adam step and
 * periodically densifies and prunes. Deterministic for a seed when bounded by iterations.
 */
public final class SdsTrainer implements AutoCloseable {

    /** The stage name of this trainer's progress reports. */
    public static final String STAGE = "sds";

    /** Summary of a run. */
    public record Result(int iterations, double seconds, int gaussians, double guidance) { }

    private final DiffusionPrior prior;
    private final SdsConfig cfg;
    private final Rasterizer[] rasterizers;
    private final String prompt;
    private final double guidance;
    private final Random rnd;
    private final Rng densifyRng;
    private final GaussianModel model;
    private final Adam adam;
    private final DensifyStats stats = new DensifyStats();
    private final ForkJoinPool pool;

    /**
     * @param rasterizers makes one rasterizer per view slot (each view's render must stay valid until its backward)
     */
    public SdsTrainer(DiffusionPrior prior, String prompt, SdsConfig cfg, IntFunction<Rasterizer> rasterizers) {
        cfg.validate();
        if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException("the prompt is empty");
        this.prior = prior;
        this.prompt = prompt.strip();
        this.cfg = cfg;
        this.guidance = Double.isNaN(cfg.guidance) ? prior.defaultGuidance() : cfg.guidance;
        this.rasterizers = new Rasterizer[cfg.viewsPerIteration];
        for (int v = 0; v < cfg.viewsPerIteration; v++) this.rasterizers[v] = rasterizers.apply(v);
        this.rnd = new Random(cfg.seed);
        this.densifyRng = new Rng(cfg.seed * 31 + 7);
        this.model = initialSphere(cfg.initGaussians, cfg.initRadius, (float) cfg.initOpacity, rnd);
        this.adam = new Adam(model.size(), 1e-15);
        this.stats.reset(model.size());
        this.pool = new ForkJoinPool(cfg.threads);
    }

    /** Gaussians spread uniformly through a ball, grey, isotropic, of the given opacity. */
    public static GaussianModel initialSphere(int count, double radius, float opacity, Random rnd) {
        GaussianModel m = new GaussianModel(count);
        float scale = (float) (0.9 * radius * Math.cbrt(4.0 / 3.0 * Math.PI / count));
        float[] q = {1, 0, 0, 0};
        for (int i = 0; i < count; i++) {
            double x, y, z;
            do { x = 2 * rnd.nextDouble() - 1; y = 2 * rnd.nextDouble() - 1; z = 2 * rnd.nextDouble() - 1; } while (x * x + y * y + z * z > 1);
            float grey = (float) (0.5 + 0.05 * rnd.nextGaussian());
            m.set(i, (float) (radius * x), (float) (radius * y), (float) (radius * z), scale, scale, scale, q, opacity, grey, grey, grey);
        }
        return m;
    }

    public GaussianModel model() { return model; }

    public double guidance() { return guidance; }

    /** Runs until the budget is spent; throws {@link dev.forge3d.runtime.progress.CancelledException} on cancel. */
    public Result train(ProgressListener listener) {
        int size = prior.imageSize(), views = cfg.viewsPerIteration, per = 3 * size * size, steps = prior.schedule().steps();
        Map<String, DiffusionPrior.Conditioning> conds = new java.util.HashMap<>();
        GaussianGradients grads = new GaussianGradients(model.size());
        double[] lr = new double[ParamGroup.ALL.length];
        long start = System.nanoTime(), lastReport = 0;
        int it = 0;
        double gradNormEma = Double.NaN;
        while (true) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            double frac = fraction(it, elapsed);
            if (frac >= 1) break;
            listener.checkCancelled();
            it++;
            // views sharing one suffix per iteration so that the whole batch shares one prompt
            RenderResult[] results = new RenderResult[views];
            float[] x = new float[views * per], eps = new float[views * prior.noiseValuesPerImage()];
            int[] t = new int[views];
            double tMax = cfg.tMaxStart + (cfg.tMaxEnd - cfg.tMaxStart) * frac;
            OrbitCamera first = ViewSampler.sample(rnd);
            String suffix = first.viewSuffix();
            for (int v = 0; v < views; v++) {
                OrbitCamera oc = v == 0 ? first : sameSuffix(suffix, rnd);
                Camera cam = oc.camera("sds", size, size);
                results[v] = rasterizers[v].forward(model, cam, prior.background().sample(rnd));
                float[] rgb = results[v].rgb();
                for (int k = 0; k < per; k++) x[v * per + k] = 2 * rgb[k] - 1;
                t[v] = (int) Math.round((cfg.tMin + (tMax - cfg.tMin) * rnd.nextDouble()) * (steps - 1));
            }
            for (int k = 0; k < eps.length; k++) eps[k] = (float) rnd.nextGaussian();
            DiffusionPrior.Conditioning cond = conds.computeIfAbsent(suffix, s -> prior.encode(prompt + ", " + s));
            float[] g = prior.sdsGradient(x, eps, t, cond, guidance);
            grads.reset(model.size());
            double norm = 0;
            for (int v = 0; v < views; v++) {
                float[] dRgb = new float[per];
                for (int k = 0; k < per; k++) {
                    dRgb[k] = 2 * g[v * per + k];          // x = 2 rgb - 1
                    norm += dRgb[k] * dRgb[k];
                }
                rasterizers[v].backward(results[v], ImageGradient.ofRgb(dRgb), grads);
            }
            gradNormEma = Double.isNaN(gradNormEma) ? Math.sqrt(norm) : 0.95 * gradNormEma + 0.05 * Math.sqrt(norm);
            boolean densifying = frac < cfg.densifyUntil;
            if (densifying) for (int v = 0; v < views; v++) stats.add(grads, results[v].radii(), size, size);

            lr[ParamGroup.POSITION.ordinal()] = Math.exp(Math.log(cfg.lrPositionInit) * (1 - frac) + Math.log(cfg.lrPositionFinal) * frac);
            lr[ParamGroup.LOG_SCALE.ordinal()] = cfg.lrScaling;
            lr[ParamGroup.ROTATION.ordinal()] = cfg.lrRotation;
            lr[ParamGroup.OPACITY.ordinal()] = cfg.lrOpacity;
            lr[ParamGroup.SH_DC.ordinal()] = cfg.lrColour;
            lr[ParamGroup.SH_REST.ordinal()] = 0;
            adam.update(model, grads, lr, pool);
            keepBounded();
            if (densifying && it % cfg.densifyInterval == 0) densify();

            long now = System.nanoTime();
            if (now - lastReport > 200_000_000L) {
                lastReport = now;
                double secs = (now - start) / 1e9, f = fraction(it, secs);
                listener.onProgress(new Progress(STAGE, f, f > 0 ? secs * (1 - f) / f : Double.NaN,
                        String.format(Locale.ROOT, "it %d  gaussians %d  |grad| %.3g  t<=%.2f", it, model.size(), gradNormEma, tMax),
                        Map.of("iteration", (double) it, "gaussians", (double) model.size(), "seconds", secs)));
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        listener.onProgress(new Progress(STAGE, 1, 0, "it " + it + "  gaussians " + model.size(),
                Map.of("iteration", (double) it, "gaussians", (double) model.size(), "seconds", secs)));
        return new Result(it, secs, model.size(), guidance);
    }

    /**
     * Keeps the object inside the views: centres within {@link SdsConfig#boundRadius} of the origin, no Gaussian
     * wider than {@link SdsConfig#maxScale} and (with {@link SdsConfig#boundColours}) colours within [0, 1]. Without
     * it a noisy prompt's gradients can blow a few Gaussians up until they cover every view (seen with the built-in
     * prior).
     */
    private void keepBounded() {
        if (cfg.boundColours) {
            float[] dc = model.shDc();
            float limit = 0.5f / GaussianModel.SH_C0;   // colour = 0.5 + SH_C0 * dc in [0, 1]
            for (int k = 0; k < 3 * model.size(); k++) dc[k] = Math.max(-limit, Math.min(limit, dc[k]));
        }
        float[] p = model.positions(), s = model.logScales();
        float maxLog = (float) Math.log(cfg.maxScale), r = (float) cfg.boundRadius;
        for (int i = 0; i < model.size(); i++) {
            float x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            float n = (float) Math.sqrt(x * x + y * y + z * z);
            if (n > r) { p[3 * i] = x * r / n; p[3 * i + 1] = y * r / n; p[3 * i + 2] = z * r / n; }
            for (int k = 0; k < 3; k++) s[3 * i + k] = Math.min(s[3 * i + k], maxLog);
        }
    }

    private double fraction(int it, double seconds) {
        double f = 0;
        if (cfg.iterations > 0) f = (double) it / cfg.iterations;
        if (cfg.maxSeconds > 0) f = Math.max(f, seconds / cfg.maxSeconds);
        return Math.min(1, f);
    }

    /** A random view whose suffix is {@code suffix} (rejection sampling over the view distribution). */
    private OrbitCamera sameSuffix(String suffix, Random rnd) {
        for (int tries = 0; tries < 64; tries++) {
            OrbitCamera c = ViewSampler.sample(rnd);
            if (c.viewSuffix().equals(suffix)) return c;
        }
        return ViewSampler.sample(rnd);
    }

    /** Releases the rasterizers' and the optimiser's thread pools (the trained model stays usable). */
    @Override
    public void close() {
        for (Rasterizer r : rasterizers) r.close();
        pool.shutdown();
    }

    /** Clones/splits the Gaussians with the largest mean view-space gradients (a scale-free threshold: SDS gradients have no fixed scale) and prunes transparent ones. */
    private void densify() {
        int n = model.size();
        float[] means = new float[n];
        for (int i = 0; i < n; i++) means[i] = stats.mean(i);
        float[] sorted = means.clone();
        Arrays.sort(sorted);
        double threshold = model.size() >= cfg.maxGaussians ? Double.POSITIVE_INFINITY
                : Math.max(1e-12, sorted[(int) Math.min(n - 1, Math.floor((1 - cfg.densifyTopFraction) * n))]);
        Densifier.densifyAndPrune(model, new GaussianTable[] {adam.firstMoments(), adam.secondMoments()}, stats,
                new Densifier.Settings(threshold, 0.01, cfg.minOpacity), 2 * cfg.initRadius, false, densifyRng);
    }
}
