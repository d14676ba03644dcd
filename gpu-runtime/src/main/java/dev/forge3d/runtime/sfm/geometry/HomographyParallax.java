package dev.forge3d.runtime.sfm.geometry;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;

/**
 * How far a pair's homography is from a pure rotation. In normalised coordinates a homography is
 * {@code R + t n^T / d}: for photos taken from one spot ({@code t = 0}) it is a rotation, whose singular values are
 * all equal; a camera that moved by {@code t} in front of a plane at distance {@code d} spreads them by about
 * {@code |t| / d}, the parallax in radians. Needs the intrinsics: with a wrong focal length a rotation no longer
 * looks like one (and a pure rotation seen through a wrong focal length yields fictitious parallax).
 */
public final class HomographyParallax {

    private HomographyParallax() { }

    /**
     * @param h pixel homography, row-major, {@code xB ~ H xA}
     * @return {@code (s1 - s3) / s2} of {@code KB^-1 H KA}; 0 for a pure rotation; NaN when not computable
     */
    public static double of(double[] h, LensModel a, LensModel b) {
        if (h == null) return Double.NaN;
        DMatrixRMaj ka = new DMatrixRMaj(3, 3, true, a.fx, 0, a.cx, 0, a.fy, a.cy, 0, 0, 1);
        DMatrixRMaj kbInv = new DMatrixRMaj(3, 3, true, 1 / b.fx, 0, -b.cx / b.fx, 0, 1 / b.fy, -b.cy / b.fy, 0, 0, 1);
        DMatrixRMaj tmp = new DMatrixRMaj(3, 3), m = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(kbInv, new DMatrixRMaj(3, 3, true, h), tmp);
        CommonOps_DDRM.mult(tmp, ka, m);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(3, 3, false, false, true);
        if (!svd.decompose(m)) return Double.NaN;
        double[] s = svd.getSingularValues().clone();
        Arrays.sort(s);
        return s[1] > 0 ? (s[2] - s[0]) / s[1] : Double.NaN;
    }
}
