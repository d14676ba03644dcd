package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;

/**
 * An L1 opacity regulariser (as in 3DGS-MCMC): {@code weight * mean_i sigmoid(o_i)}. Gaussians that the photos do
 * not need fade out and are pruned, which removes the semi-transparent fog a splat leaves in places few views
 * constrain (inside a mug's opening), fog that fused depth turns into false surface.
 */
public final class OpacitySparsityLoss {

    private OpacitySparsityLoss() { }

    /** Adds {@code d/d logit = weight * s (1 - s) / n} to {@code out}'s opacity gradients; returns the loss. */
    public static double addGradient(GaussianModel model, double weight, GaussianGradients out) {
        int n = model.size();
        if (n == 0 || weight == 0) return 0;
        float[] o = model.opacityLogits();
        float[] g = out.get(ParamGroup.OPACITY);
        double per = weight / n, sum = 0;
        for (int i = 0; i < n; i++) {
            double s = 1 / (1 + Math.exp(-o[i]));
            sum += s;
            g[i] += (float) (per * s * (1 - s));
        }
        return per * sum;
    }

    /** The loss alone. */
    public static double value(GaussianModel model, double weight) {
        int n = model.size();
        if (n == 0 || weight == 0) return 0;
        float[] o = model.opacityLogits();
        double sum = 0;
        for (int i = 0; i < n; i++) sum += 1 / (1 + Math.exp(-o[i]));
        return weight * sum / n;
    }
}
