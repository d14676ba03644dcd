package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Adam (as torch.optim.Adam: bias-corrected, eps outside the square root) with one learning rate per parameter
 * group. Moments live in tables shaped like the model so densification grows and prunes them with it.
 */
public final class Adam {

    public static final double BETA1 = 0.9, BETA2 = 0.999;

    private final GaussianTable m;
    private final GaussianTable v;
    private final double eps;
    private long step;

    public Adam(int size, double eps) {
        this.m = new GaussianTable(size);
        this.v = new GaussianTable(size);
        this.eps = eps;
    }

    public GaussianTable firstMoments() { return m; }

    public GaussianTable secondMoments() { return v; }

    public long step() { return step; }

    public void setStep(long s) { step = s; }

    /** One update of every group; {@code lr[g.ordinal()]} per group. */
    public void update(GaussianTable params, GaussianTable grads, double[] lr, ForkJoinPool pool) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step), bc2 = 1 - Math.pow(BETA2, step);
        int n = params.size();
        int chunk = 4096;
        int chunks = (n + chunk - 1) / chunk;
        pool.submit(() -> IntStream.range(0, chunks * ParamGroup.ALL.length).parallel().forEach(job -> {
            ParamGroup g = ParamGroup.ALL[job % ParamGroup.ALL.length];
            int c = job / ParamGroup.ALL.length;
            int a = c * chunk * g.dim, b = Math.min(n, (c + 1) * chunk) * g.dim;
            update(params.get(g), grads.get(g), m.get(g), v.get(g), a, b, (float) (lr[g.ordinal()] / bc1), (float) Math.sqrt(bc2), (float) eps);
        })).join();
    }

    private static void update(float[] p, float[] gr, float[] m1, float[] m2, int a, int b, float stepSize, float sqrtBc2, float eps) {
        float b1 = (float) BETA1, b2 = (float) BETA2;
        for (int i = a; i < b; i++) {
            float g = gr[i];
            float mi = b1 * m1[i] + (1 - b1) * g;
            float vi = b2 * m2[i] + (1 - b2) * g * g;
            m1[i] = mi;
            m2[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtBc2 + eps);
        }
    }

    /** Zeroes the moments of one group (after an opacity reset, as 3DGS does). */
    public void resetGroup(ParamGroup g) {
        java.util.Arrays.fill(m.get(g), 0, m.size() * g.dim, 0f);
        java.util.Arrays.fill(v.get(g), 0, v.size() * g.dim, 0f);
    }
}
