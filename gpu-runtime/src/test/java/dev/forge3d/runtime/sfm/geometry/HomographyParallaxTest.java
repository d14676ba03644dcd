package dev.forge3d.runtime.sfm.geometry;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pure-rotation test of a homography: rotations give 0, a moving camera about |t| / d, a wrong K does not hide. */
class HomographyParallaxTest {

    private static final LensModel LENS = new LensModel(640, 480, 520, 520, 320, 240, 0, true);

    /** Pixel homography K (R + t n^T / d) K^-1, scaled arbitrarily (homographies are up to scale). */
    private static double[] homography(double yawDeg, double[] t, double[] n, double d) {
        double a = Math.toRadians(yawDeg);
        DMatrixRMaj m = new DMatrixRMaj(3, 3, true, Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a));
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) m.add(r, c, t[r] * n[c] / d);
        DMatrixRMaj k = new DMatrixRMaj(3, 3, true, 520, 0, 320, 0, 520, 240, 0, 0, 1);
        DMatrixRMaj kInv = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.invert(k, kInv);
        DMatrixRMaj tmp = new DMatrixRMaj(3, 3), h = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(k, m, tmp);
        CommonOps_DDRM.mult(tmp, kInv, h);
        CommonOps_DDRM.scale(3.7, h);
        return h.data;
    }

    @Test
    void aPureRotationHasNoParallax() {
        assertThat(HomographyParallax.of(homography(12, new double[3], new double[] {0, 0, 1}, 5), LENS, LENS))
                .isCloseTo(0, within(1e-9));
    }

    @Test
    void aCameraMovingAlongAPlaneShowsItsBaselineOverDistance() {
        // 0.5 m sideways in front of a wall 5 m away: parallax 0.1 rad.
        double p = HomographyParallax.of(homography(3, new double[] {0.5, 0, 0}, new double[] {0, 0, 1}, 5), LENS, LENS);
        assertThat(p).isCloseTo(0.1, within(0.01));
    }

    @Test
    void aRotationSeenThroughAWrongFocalLengthIsNotMistakenForOne() {
        LensModel wrong = new LensModel(640, 480, 768, 768, 320, 240, 0, false);
        assertThat(HomographyParallax.of(homography(4, new double[3], new double[] {0, 0, 1}, 5), wrong, wrong))
                .isGreaterThan(0.02);
    }
}
