package dev.forge3d.runtime.splat.densify;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.train.Rng;

/**
 * Adaptive density control of 3DGS: clone small Gaussians and split large ones whose mean view-space gradient
 * reaches the threshold, then prune transparent (and, late, world-space huge) ones. The optimizer's moment tables
 * are grown and pruned in step (new rows start with zero moments).
 */
public final class Densifier {

    /**
     * @param gradThreshold  NDC-units view-space gradient threshold (0.0002)
     * @param percentDense   clone/split boundary as a fraction of the scene extent (0.01)
     * @param minOpacity     prune below this opacity (0.005)
     */
    public record Settings(double gradThreshold, double percentDense, double minOpacity) {
        public static Settings inria() { return new Settings(0.0002, 0.01, 0.005); }
    }

    /** What one densification step did. */
    public record Outcome(int cloned, int split, int pruned, int size) { }

    private Densifier() { }

    /**
     * @param moments     tables to keep aligned with the model (Adam first and second moments)
     * @param pruneLarge  also prune Gaussians whose largest scale exceeds 0.1 x extent (3DGS does after the first opacity reset)
     */
    public static Outcome densifyAndPrune(GaussianModel model, GaussianTable[] moments, DensifyStats stats, Settings s,
                                          double extent, boolean pruneLarge, Rng rng) {
        int n0 = model.size();
        float[] ls = model.logScales();
        double thr = s.gradThreshold();
        double boundary = s.percentDense() * extent;
        boolean[] splitMask = new boolean[n0];
        int cloned = 0, split = 0;
        // clone: copies at the same position (the released code's behaviour)
        for (int i = 0; i < n0; i++) {
            if (stats.mean(i) < thr) continue;
            double maxScale = Math.exp(Math.max(ls[3 * i], Math.max(ls[3 * i + 1], ls[3 * i + 2])));
            if (maxScale <= boundary) {
                appendRow(model, moments, i);
                cloned++;
            } else {
                splitMask[i] = true;
            }
        }
        // split into two samples drawn from the Gaussian, scales divided by 1.6
        for (int i = 0; i < n0; i++) {
            if (!splitMask[i]) continue;
            split++;
            for (int k = 0; k < 2; k++) {
                int j = appendRow(model, moments, i);
                float[] pos = model.positions(), sc = model.logScales(), rot = model.rotations();
                double sx = Math.exp(sc[3 * i]), sy = Math.exp(sc[3 * i + 1]), sz = Math.exp(sc[3 * i + 2]);
                double ax = rng.nextGaussian() * sx, ay = rng.nextGaussian() * sy, az = rng.nextGaussian() * sz;
                double[] r = rotation(rot, i);
                pos[3 * j] += (float) (r[0] * ax + r[1] * ay + r[2] * az);
                pos[3 * j + 1] += (float) (r[3] * ax + r[4] * ay + r[5] * az);
                pos[3 * j + 2] += (float) (r[6] * ax + r[7] * ay + r[8] * az);
                float shrink = (float) Math.log(1.6);
                sc[3 * j] -= shrink; sc[3 * j + 1] -= shrink; sc[3 * j + 2] -= shrink;
            }
        }
        int n = model.size();
        boolean[] keep = new boolean[n];
        float[] op = model.opacityLogits();
        float minLogit = GaussianModel.logit((float) s.minOpacity());
        float[] sc = model.logScales();
        double big = Math.log(0.1 * extent);
        int pruned = 0;
        for (int i = 0; i < n; i++) {
            boolean drop = i < n0 && splitMask[i];
            if (!drop && op[i] < minLogit) { drop = true; pruned++; }
            else if (!drop && pruneLarge && Math.max(sc[3 * i], Math.max(sc[3 * i + 1], sc[3 * i + 2])) > big) { drop = true; pruned++; }
            keep[i] = !drop;
        }
        model.compact(keep);
        for (GaussianTable t : moments) t.compact(keep);
        stats.reset(model.size());
        return new Outcome(cloned, split, pruned, model.size());
    }

    private static int appendRow(GaussianModel model, GaussianTable[] moments, int src) {
        int j = model.appendCopy(src);
        for (GaussianTable t : moments) t.resize(j + 1); // zero moments for the new row
        return j;
    }

    /** 3DGS opacity reset: opacity = min(opacity, 0.01); the optimizer's opacity moments are reset by the caller. */
    public static void resetOpacity(GaussianModel model, float ceiling) {
        float[] op = model.opacityLogits();
        float maxLogit = GaussianModel.logit(ceiling);
        for (int i = 0; i < model.size(); i++) op[i] = Math.min(op[i], maxLogit);
    }

    static double[] rotation(float[] rot, int i) {
        double w = rot[4 * i], x = rot[4 * i + 1], y = rot[4 * i + 2], z = rot[4 * i + 3];
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n; x /= n; y /= n; z /= n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }
}
