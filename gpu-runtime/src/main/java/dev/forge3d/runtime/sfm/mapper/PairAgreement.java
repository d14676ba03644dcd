package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.se.Se3_F64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How well a finished model agrees with the evidence it was built from: for every verified photo pair whose two
 * photos were placed, the share of the pair's inlier matches that the model's relative pose explains (Sampson
 * epipolar error under a pixel threshold).
 *
 * <p>Why: incremental mapping follows one chain of pairs. When that chain takes a wrong turn (a symmetric object
 * matched to its own far side, a repeated texture), every photo still gets placed with a small reprojection error,
 * because the matches that contradict the chain are simply dropped as outliers. The contradiction stays visible in
 * the verified pairs: a right model explains nearly all of the matches of nearly every strong pair, a folded one
 * leaves strong pairs it cannot explain at all.
 */
public final class PairAgreement {

    /** One verified pair judged against the model. */
    public record Pair(int imageA, int imageB, int inliers, double agreement) { }

    /**
     * @param strongPairs   pairs with both photos placed and at least the minimum number of inliers
     * @param contradicted  those of them of which the model explains less than half of the matches
     * @param contradictedShare contradicted pairs' inliers over all strong pairs' inliers (0 when none are strong)
     * @param worst         the contradicted pairs, most inliers first
     */
    public record Summary(int strongPairs, int contradicted, double contradictedShare, List<Pair> worst) { }

    private PairAgreement() { }

    public static Summary measure(SceneState s, List<TwoViewGeometry> pairs, double thresholdPx, int minInliers) {
        List<Pair> contradicted = new ArrayList<>();
        int strong = 0;
        long strongInliers = 0, contradictedInliers = 0;
        for (TwoViewGeometry g : pairs) {
            if (g.inliers() < minInliers || !s.registered[g.imageA()] || !s.registered[g.imageB()]) continue;
            double agreement = agreement(s, g, thresholdPx);
            strong++;
            strongInliers += g.inliers();
            if (agreement < 0.5) {
                contradicted.add(new Pair(g.imageA(), g.imageB(), g.inliers(), agreement));
                contradictedInliers += g.inliers();
            }
        }
        contradicted.sort(Comparator.comparingInt(Pair::inliers).reversed());
        double share = strongInliers == 0 ? 0 : (double) contradictedInliers / strongInliers;
        return new Summary(strong, contradicted.size(), share, List.copyOf(contradicted));
    }

    /** Share of the pair's matches whose Sampson error under the model's essential matrix is below the threshold. */
    static double agreement(SceneState s, TwoViewGeometry g, double thresholdPx) {
        int a = g.imageA(), b = g.imageB();
        double[] e = essential(s.poses[a], s.poses[b]);
        if (java.util.Arrays.stream(e).allMatch(v -> v == 0)) return 1; // same centre: no epipolar geometry to test
        var lensA = s.lenses.get(a);
        var lensB = s.lenses.get(b);
        // Sampson error in normalised coordinates, brought back to pixels with the two focal lengths.
        double pixelScale = Math.sqrt(0.5 * (lensA.fx + lensA.fy) * 0.5 * (lensB.fx + lensB.fy));
        double limit = thresholdPx / pixelScale;
        double limitSq = limit * limit;
        var fa = s.features.get(a);
        var fb = s.features.get(b);
        double[] na = new double[2], nb = new double[2];
        int[] m = g.matches();
        int agree = 0;
        for (int i = 0; i < m.length; i += 2) {
            lensA.normalize(fa.x()[m[i]], fa.y()[m[i]], na);
            lensB.normalize(fb.x()[m[i + 1]], fb.y()[m[i + 1]], nb);
            if (sampsonSq(e, na[0], na[1], nb[0], nb[1]) < limitSq) agree++;
        }
        return m.length == 0 ? 1 : agree / (m.length / 2.0);
    }

    /** Essential matrix (row-major) with {@code xB^T E xA = 0} for world-to-camera poses A and B. */
    static double[] essential(Se3_F64 poseA, Se3_F64 poseB) {
        double[] ra = poseA.R.data, rb = poseB.R.data;
        double[] r = new double[9];
        // R = R_B R_A^T
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[3 * i + j] = rb[3 * i] * ra[3 * j] + rb[3 * i + 1] * ra[3 * j + 1] + rb[3 * i + 2] * ra[3 * j + 2];
            }
        }
        double[] ta = {poseA.T.x, poseA.T.y, poseA.T.z};
        // t = t_B - R t_A
        double tx = poseB.T.x - (r[0] * ta[0] + r[1] * ta[1] + r[2] * ta[2]);
        double ty = poseB.T.y - (r[3] * ta[0] + r[4] * ta[1] + r[5] * ta[2]);
        double tz = poseB.T.z - (r[6] * ta[0] + r[7] * ta[1] + r[8] * ta[2]);
        double norm = Math.sqrt(tx * tx + ty * ty + tz * tz);
        if (norm > 0) { tx /= norm; ty /= norm; tz /= norm; }
        // E = [t]x R
        double[] e = new double[9];
        for (int j = 0; j < 3; j++) {
            e[j] = -tz * r[3 + j] + ty * r[6 + j];
            e[3 + j] = tz * r[j] - tx * r[6 + j];
            e[6 + j] = -ty * r[j] + tx * r[3 + j];
        }
        return e;
    }

    static double sampsonSq(double[] e, double xa, double ya, double xb, double yb) {
        double ex0 = e[0] * xa + e[1] * ya + e[2];
        double ex1 = e[3] * xa + e[4] * ya + e[5];
        double ex2 = e[6] * xa + e[7] * ya + e[8];
        double etx0 = e[0] * xb + e[3] * yb + e[6];
        double etx1 = e[1] * xb + e[4] * yb + e[7];
        double num = xb * ex0 + yb * ex1 + ex2;
        double den = ex0 * ex0 + ex1 * ex1 + etx0 * etx0 + etx1 * etx1;
        return den <= 0 ? Double.POSITIVE_INFINITY : num * num / den;
    }
}
