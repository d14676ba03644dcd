package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.splat.GaussianTable;

import java.util.Arrays;

/**
 * Gradients for every parameter group of a model (same layout as the model), plus per Gaussian the gradient of
 * the loss with respect to its projected 2D mean (pixels), which drives densification. Backward passes add to it.
 */
public final class GaussianGradients extends GaussianTable {

    private float[] meanGrad2d;

    public GaussianGradients(int size) {
        super(size);
        meanGrad2d = new float[2 * Math.max(16, size)];
    }

    /** dL/du, dL/dv per Gaussian (pixel units), interleaved. */
    public float[] meanGrad2d() { return meanGrad2d; }

    /** Resizes (keeping no values) and zeroes everything, ready for the next backward. */
    public void reset(int newSize) {
        resize(newSize);
        clear();
        if (meanGrad2d.length < 2 * newSize) meanGrad2d = new float[2 * capacity()];
        Arrays.fill(meanGrad2d, 0, 2 * newSize, 0f);
    }
}
