package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.image.RgbImage;

import java.util.Random;

/** Deterministic DDIM sampling (η = 0) from a pixel-space prior: shows what the prior has learned for a prompt. */
public final class DdimSampler {

    private DdimSampler() { }

    /** {@code count} images (planar RGB in [-1, 1], one after the other) for {@code prompt}. */
    public static float[] sample(DiffusionPrior prior, String prompt, int count, int steps, double guidance, long seed) {
        int s = prior.imageSize(), per = 3 * s * s, T = prior.schedule().steps();
        Random rnd = new Random(seed);
        float[] x = new float[count * per];
        for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian();
        DiffusionPrior.Conditioning cond = prior.encode(prompt);
        int[] t = new int[count];
        for (int i = steps - 1; i >= 0; i--) {
            int ti = (int) Math.round((double) i * (T - 1) / (steps - 1));
            int prev = i == 0 ? -1 : (int) Math.round((double) (i - 1) * (T - 1) / (steps - 1));
            java.util.Arrays.fill(t, ti);
            float[] eps = prior.predictNoise(x, t, cond, guidance);
            double ab = prior.schedule().alphaBar(ti), abPrev = prev < 0 ? 1 : prior.schedule().alphaBar(prev);
            for (int k = 0; k < x.length; k++) {
                double x0 = Math.clamp((x[k] - Math.sqrt(1 - ab) * eps[k]) / Math.sqrt(ab), -1, 1);
                x[k] = (float) (Math.sqrt(abPrev) * x0 + Math.sqrt(1 - abPrev) * eps[k]);
            }
        }
        return x;
    }

    /** Image {@code i} of a sample batch as an RGB image in [0, 1]. */
    public static RgbImage image(float[] batch, int i, int size) {
        int per = 3 * size * size;
        float[] d = new float[per];
        for (int k = 0; k < per; k++) d[k] = Math.clamp(0.5f * (batch[i * per + k] + 1), 0f, 1f);
        return new RgbImage(size, size, d);
    }
}
