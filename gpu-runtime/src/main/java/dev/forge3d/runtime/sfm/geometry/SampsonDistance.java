package dev.forge3d.runtime.sfm.geometry;

import boofcv.struct.geo.AssociatedPair;
import org.ddogleg.fitting.modelset.DistanceFromModel;
import org.ejml.data.DMatrixRMaj;

import java.util.List;

/**
 * Sampson distance of a match to a fundamental matrix, in squared pixels: {@code (x2' F x1)^2 / (|F x1|_12^2 +
 * |F' x2|_12^2)}, the first-order estimate of the squared distance both keypoints must move to satisfy the epipolar
 * constraint (Hartley and Zisserman, eq. 11.9), which is what COLMAP's RANSAC scores F with. It approximates the
 * exact geometric error (BoofCV's default, a degree-6 polynomial solved per match and hypothesis: 37 % of the whole
 * reconstruction's CPU time on tune-mug) and is compared with the same squared threshold.
 *
 * <p>BoofCV's own "Sampson" residual for F divides by the denominator squared rather than the denominator, so its
 * value is not in pixels. Used with local optimisation ({@link TwoViewVerifier}): without it, buddha13's weak pairs
 * kept too few inliers and the reconstruction placed 9 photos instead of 11 (docs/sfm.md).
 */
public final class SampsonDistance implements DistanceFromModel<DMatrixRMaj, AssociatedPair> {

    private double f0, f1, f2, f3, f4, f5, f6, f7, f8;

    @Override
    public void setModel(DMatrixRMaj f) {
        double[] d = f.data;
        f0 = d[0]; f1 = d[1]; f2 = d[2]; f3 = d[3]; f4 = d[4]; f5 = d[5]; f6 = d[6]; f7 = d[7]; f8 = d[8];
    }

    @Override
    public double distance(AssociatedPair p) {
        double x1 = p.p1.x, y1 = p.p1.y, x2 = p.p2.x, y2 = p.p2.y;
        // F x1 and F' x2, first two components; x2' F x1.
        double a0 = f0 * x1 + f1 * y1 + f2, a1 = f3 * x1 + f4 * y1 + f5, a2 = f6 * x1 + f7 * y1 + f8;
        double b0 = f0 * x2 + f3 * y2 + f6, b1 = f1 * x2 + f4 * y2 + f7;
        double e = x2 * a0 + y2 * a1 + a2;
        double den = a0 * a0 + a1 * a1 + b0 * b0 + b1 * b1;
        return den > 0 ? e * e / den : Double.MAX_VALUE;
    }

    @Override
    public void distances(List<AssociatedPair> points, double[] out) {
        for (int i = 0; i < points.size(); i++) out[i] = distance(points.get(i));
    }

    @Override
    public Class<AssociatedPair> getPointType() { return AssociatedPair.class; }

    @Override
    public Class<DMatrixRMaj> getModelType() { return DMatrixRMaj.class; }
}
