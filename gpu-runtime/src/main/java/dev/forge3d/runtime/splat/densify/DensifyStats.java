package dev.forge3d.runtime.splat.densify;

import dev.forge3d.runtime.splat.raster.GaussianGradients;

import java.util.Arrays;

/**
 * Per-Gaussian accumulation of the view-space (2D mean) gradient norm in NDC units, over the iterations where it
 * was visible, as in 3DGS's {@code add_densification_stats}.
 */
public final class DensifyStats {

    private float[] gradAccum = new float[0];
    private int[] denom = new int[0];
    private int size;

    public int size() { return size; }

    public float[] gradAccum() { return gradAccum; }

    public int[] denom() { return denom; }

    /** Resizes to {@code n} rows and zeroes everything. */
    public void reset(int n) {
        if (gradAccum.length < n) { gradAccum = new float[n + n / 2]; denom = new int[n + n / 2]; }
        Arrays.fill(gradAccum, 0, n, 0f);
        Arrays.fill(denom, 0, n, 0);
        size = n;
    }

    /** Restores saved statistics (checkpoint resume). */
    public void restore(float[] accum, int[] den) {
        reset(accum.length);
        System.arraycopy(accum, 0, gradAccum, 0, accum.length);
        System.arraycopy(den, 0, denom, 0, den.length);
    }

    /** Adds one view's 2D-mean gradients (pixels) for the Gaussians with a positive radius. */
    public void add(GaussianGradients g, int[] radii, int width, int height) {
        float[] m = g.meanGrad2d();
        float sx = 0.5f * width, sy = 0.5f * height;
        for (int i = 0; i < size; i++) {
            if (radii[i] <= 0) continue;
            float gx = m[2 * i] * sx, gy = m[2 * i + 1] * sy;
            gradAccum[i] += (float) Math.sqrt(gx * gx + gy * gy);
            denom[i]++;
        }
    }

    /** Mean accumulated gradient of row i (0 if never visible). */
    public float mean(int i) {
        return denom[i] == 0 ? 0f : gradAccum[i] / denom[i];
    }
}
