package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;

/**
 * The flattening regulariser of PGSR / Gaussian Surfels: {@code weight * mean_i(min_k s_ik) / extent}, the mean
 * over Gaussians of the smallest of their three scales in units of the scene extent. It turns Gaussians into
 * surface-aligned discs: a thick Gaussian whose front touches a surface has its centre (and the depth rendered from
 * it) inside the object by about its smallest scale; a disc's centre lies on the surface.
 */
public final class FlatteningLoss {

    private FlatteningLoss() { }

    /**
     * Adds the loss's gradient with respect to the log-scales to {@code out} and returns the loss. {@code d/d log s =
     * weight * s / (n * extent)} on each Gaussian's smallest axis (the first of equal ones), 0 on the others.
     */
    public static double addGradient(GaussianModel model, double weight, double extent, GaussianGradients out) {
        int n = model.size();
        if (n == 0 || weight == 0) return 0;
        float[] ls = model.logScales();
        float[] g = out.get(ParamGroup.LOG_SCALE);
        double per = weight / (n * extent);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int k = smallestAxis(ls, i);
            double s = Math.exp(ls[3 * i + k]);
            sum += s;
            g[3 * i + k] += (float) (per * s);
        }
        return sum * per;
    }

    /** The loss alone (for tests and logs). */
    public static double value(GaussianModel model, double weight, double extent) {
        int n = model.size();
        if (n == 0 || weight == 0) return 0;
        float[] ls = model.logScales();
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(ls[3 * i + smallestAxis(ls, i)]);
        return weight * sum / (n * extent);
    }

    static int smallestAxis(float[] logScales, int i) {
        int k = 0;
        if (logScales[3 * i + 1] < logScales[3 * i + k]) k = 1;
        if (logScales[3 * i + 2] < logScales[3 * i + k]) k = 2;
        return k;
    }
}
