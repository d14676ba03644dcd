package dev.forge3d.runtime.sds.selfcheck;

import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.NoiseSchedule;
import dev.forge3d.runtime.sds.OrbitCamera;
import dev.forge3d.runtime.sds.ViewSampler;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Reads a generated object back with the prior that made it, as a zero-shot classifier (Li et al., "Your Diffusion
 * Model is Secretly a Zero-Shot Classifier", 2023): the object is rendered from random orbit views, each render is
 * noised at timesteps spread over the schedule, and every candidate reading is scored by how well the prior
 * predicts that noise when conditioned on it (the same noisy images for every candidate, so the comparison is
 * paired). A lower error means the reading explains the renders better.
 *
 * <p>On ground-truth renders of the 40 built-in classes (one random pose each, 8 views x 4 timesteps) this reads
 * shape and colour right 40/40 (docs/text-to-3d.md). It is not the evaluation's judge: the judge is independent of
 * the prior; this check is how a run decides whether to try another seed.
 */
public final class DiffusionClassifier {

    /** Timesteps are drawn from this fraction range of the schedule: the ends carry little class information. */
    static final double T_LOW = 0.1, T_HIGH = 0.9;

    private final DiffusionPrior prior;
    private final int views, noisesPerView, threads;

    public DiffusionClassifier(DiffusionPrior prior, int views, int noisesPerView, int threads) {
        if (views < 1 || noisesPerView < 1) throw new IllegalArgumentException("a self-check needs at least one view and one noise draw");
        this.prior = prior;
        this.views = views;
        this.noisesPerView = noisesPerView;
        this.threads = Math.max(1, threads);
    }

    /** Scores {@code model} under the intended reading and every rival; deterministic for {@code seed}. */
    public SelfCheck check(GaussianModel model, Readings readings, long seed) {
        long start = System.nanoTime();
        int size = prior.imageSize(), per = 3 * size * size, n = views * noisesPerView;
        NoiseSchedule schedule = prior.schedule();
        Random rnd = new Random(seed);
        float[] x = new float[n * per];
        int[] t = new int[n];
        try (CpuRasterizer raster = new CpuRasterizer(threads)) {
            for (int v = 0; v < views; v++) {
                OrbitCamera view = ViewSampler.sample(rnd);
                float[] rgb = raster.forward(model, view.camera("self-check", size, size), prior.background().sample(rnd)).rgb();
                for (int k = 0; k < noisesPerView; k++) {
                    int i = v * noisesPerView + k;
                    for (int p = 0; p < per; p++) x[i * per + p] = 2 * Math.clamp(rgb[p], 0f, 1f) - 1;
                    // stratified over the range so that every view sees low and high noise levels
                    double f = T_LOW + (T_HIGH - T_LOW) * (k + rnd.nextDouble()) / noisesPerView;
                    t[i] = (int) Math.round(f * (schedule.steps() - 1));
                }
            }
        }
        float[] eps = new float[n * per], xt = new float[n * per];
        for (int k = 0; k < eps.length; k++) eps[k] = (float) rnd.nextGaussian();
        schedule.addNoise(x, eps, t, per, xt);

        double intended = error(xt, t, eps, readings.intended());
        Map<String, Double> rivalErrors = new LinkedHashMap<>();
        Map<String, Double> margins = new LinkedHashMap<>();
        Map<String, String> winners = new LinkedHashMap<>();
        Map<String, Double> bestRival = new LinkedHashMap<>();
        for (Readings.Rival r : readings.rivals()) {
            double e = error(xt, t, eps, r.conditioning());
            rivalErrors.put(r.label(), e);
            if (e < bestRival.getOrDefault(r.aspect(), Double.POSITIVE_INFINITY)) {
                bestRival.put(r.aspect(), e);
                winners.put(r.aspect(), r.label());
            }
        }
        bestRival.forEach((aspect, e) -> {
            margins.put(aspect, (e - intended) / intended);
            if (intended <= e) winners.put(aspect, readings.intendedLabel());
        });
        return new SelfCheck(readings.intendedLabel(), intended, rivalErrors, margins, winners, (System.nanoTime() - start) / 1e9);
    }

    /** Mean squared error of the prior's conditional noise prediction (no guidance) on the noisy renders. */
    private double error(float[] xt, int[] t, float[] eps, DiffusionPrior.Conditioning cond) {
        float[] pred = prior.predictConditionalNoise(xt, t, cond);
        double sum = 0;
        for (int k = 0; k < pred.length; k++) {
            double d = pred[k] - eps[k];
            sum += d * d;
        }
        return sum / pred.length;
    }
}
