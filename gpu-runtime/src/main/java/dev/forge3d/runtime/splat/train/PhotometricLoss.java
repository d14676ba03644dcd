package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.image.Ssim;

/** The 3DGS loss {@code (1 - lambda) L1 + lambda (1 - SSIM)} and its gradient on the rendered image. */
public final class PhotometricLoss {

    private final double lambdaDssim;
    private float[] ssimGrad = new float[0];

    public PhotometricLoss(double lambdaDssim) { this.lambdaDssim = lambdaDssim; }

    /** Result of one evaluation: the loss, the plain MSE (for a PSNR estimate) and dL/dRGB (planar). */
    public record Value(double loss, double l1, double ssim, double mse) { }

    /**
     * Computes the loss of {@code rendered} against {@code target} (planar RGB, w x h) and writes dL/drendered
     * into {@code grad}.
     */
    public Value evaluate(float[] rendered, float[] target, int w, int h, float[] grad) {
        int n = rendered.length;
        if (ssimGrad.length < n) ssimGrad = new float[n];
        double ssim = lambdaDssim > 0 ? Ssim.compute(rendered, target, w, h, ssimGrad) : 1;
        double l1 = 0, mse = 0;
        float gl1 = (float) ((1 - lambdaDssim) / n);
        float gs = (float) -lambdaDssim;
        for (int i = 0; i < n; i++) {
            float d = rendered[i] - target[i];
            l1 += Math.abs(d);
            mse += d * d;
            float sign = d > 0 ? 1f : (d < 0 ? -1f : 0f);
            grad[i] = gl1 * sign + (lambdaDssim > 0 ? gs * ssimGrad[i] : 0f);
        }
        l1 /= n;
        mse /= n;
        return new Value((1 - lambdaDssim) * l1 + lambdaDssim * (1 - ssim), l1, ssim, mse);
    }
}
