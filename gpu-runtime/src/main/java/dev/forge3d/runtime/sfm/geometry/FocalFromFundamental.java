package dev.forge3d.runtime.sfm.geometry;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;
import java.util.List;

/**
 * Self-calibration of one shared focal length from fundamental matrices (Mendonca and Cipolla): with the right
 * {@code K}, {@code E = K^T F K} has two equal singular values. Searches the focal length (as a multiple of the
 * longer image side) that makes the weighted median of {@code (s1 - s2) / s1} over many pairs smallest.
 */
public final class FocalFromFundamental {

    private FocalFromFundamental() { }

    /** @return the focal length as a multiple of each image's longer side, or NaN when there is nothing to use */
    public static double estimateRatio(List<TwoViewGeometry> pairs, List<LensModel> lenses) {
        List<TwoViewGeometry> usable = pairs.stream().filter(p -> p.fundamental() != null)
                .sorted((x, y) -> Integer.compare(y.inliers(), x.inliers())).limit(40).toList();
        if (usable.isEmpty()) return Double.NaN;
        double bestR = Double.NaN, bestCost = Double.POSITIVE_INFINITY;
        int steps = 160;
        double lo = Math.log(0.3), hi = Math.log(4.0);
        for (int s = 0; s <= steps; s++) {
            double r = Math.exp(lo + (hi - lo) * s / steps);
            double c = cost(r, usable, lenses);
            if (c < bestCost) { bestCost = c; bestR = r; }
        }
        // Golden-section refinement around the grid minimum.
        double a = bestR / Math.exp((hi - lo) / steps), b = bestR * Math.exp((hi - lo) / steps);
        double g = (Math.sqrt(5) - 1) / 2;
        for (int it = 0; it < 40; it++) {
            double c1 = b - g * (b - a), c2 = a + g * (b - a);
            if (cost(c1, usable, lenses) < cost(c2, usable, lenses)) b = c2; else a = c1;
        }
        return 0.5 * (a + b);
    }

    private static double cost(double ratio, List<TwoViewGeometry> pairs, List<LensModel> lenses) {
        double[] c = new double[pairs.size()];
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(3, 3, false, false, true);
        for (int i = 0; i < pairs.size(); i++) {
            TwoViewGeometry p = pairs.get(i);
            DMatrixRMaj ka = k(lenses.get(p.imageA()), ratio), kb = k(lenses.get(p.imageB()), ratio);
            DMatrixRMaj f = new DMatrixRMaj(3, 3, true, p.fundamental());
            DMatrixRMaj tmp = new DMatrixRMaj(3, 3), e = new DMatrixRMaj(3, 3);
            CommonOps_DDRM.multTransA(kb, f, tmp);
            CommonOps_DDRM.mult(tmp, ka, e);
            if (!svd.decompose(e)) { c[i] = 1; continue; }
            double[] sv = svd.getSingularValues().clone();
            Arrays.sort(sv);
            c[i] = sv[2] <= 0 ? 1 : (sv[2] - sv[1]) / sv[2];
        }
        Arrays.sort(c);
        return c[c.length / 2] + 0.5 * mean(c, c.length / 4, 3 * c.length / 4);
    }

    private static double mean(double[] v, int from, int to) {
        if (to <= from) return 0;
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    private static DMatrixRMaj k(LensModel l, double ratio) {
        double f = ratio * Math.max(l.width, l.height);
        return new DMatrixRMaj(3, 3, true, f, 0, l.cx, 0, f, l.cy, 0, 0, 1);
    }

}
