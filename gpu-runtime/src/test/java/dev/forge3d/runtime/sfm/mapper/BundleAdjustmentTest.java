package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.bundle.BundleAdjuster;
import georegression.struct.se.Se3_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Bundle adjustment recovers an exact scene from perturbed poses, points and focal length; its robust loss ignores
 * gross outliers; a local adjustment moves only the images it frees.
 */
class BundleAdjustmentTest {

    private static final int W = 800, H = 600;
    private static final double FOCAL = 900;

    @Test
    void recoversPosesPointsAndFocalLengthFromAPerturbedStart() {
        // 24,000 observations: the solver splits the points between threads.
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 3000, FOCAL);
        Se3_F64[] truth = copyPoses(s);
        perturb(s, new Random(1), 0.01, 0.05, 0.02);
        s.lenses.get(0).fx = s.lenses.get(0).fy = 0.95 * FOCAL;
        assertThat(BundleAdjuster.rms(s)).isGreaterThan(5);
        double spread = spread(s);

        double rms = BundleAdjuster.adjust(s, new BundleAdjuster.Settings(100, 0, true, false, 1e-14), 0);

        // The scale, which the held pose leaves free, is kept (it drifted 47-fold over a preview job's refinements).
        assertThat(spread(s)).isCloseTo(spread, within(1e-9 * spread));

        assertThat(rms).isLessThan(1e-3);
        assertThat(s.lenses.get(0).fx).isCloseTo(FOCAL, within(0.05));
        assertThat(s.lenses.get(0).k1).isCloseTo(0, within(1e-5));
        for (int i = 0; i < truth.length; i++) assertThat(rotationErrorDeg(s.poses[i], truth[i])).isLessThan(1e-3);
        assertThat(s.poses[0].T.x).as("the held image").isEqualTo(truth[0].T.x);
    }

    @Test
    void theRobustLossIgnoresGrossOutliers() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, FOCAL);
        Se3_F64[] truth = copyPoses(s);
        Random r = new Random(2);
        // One keypoint in twenty is 20-40 px off; the rest exact.
        for (var f : s.features) {
            for (int i = 0; i < f.size(); i++) {
                if (r.nextInt(20) == 0) { f.x()[i] += (r.nextBoolean() ? 1 : -1) * (20 + 20 * r.nextDouble()); f.y()[i] -= 25; }
            }
        }
        perturb(s, new Random(3), 0.005, 0.02, 0.01);
        Se3_F64[] start = copyPoses(s);
        double[][] points = new double[s.points.length][];
        for (int t = 0; t < points.length; t++) points[t] = s.points[t].clone();

        BundleAdjuster.adjust(s, new BundleAdjuster.Settings(100, 1.0, false, false, 1e-14), 0);
        double robust = 0;
        for (int i = 1; i < truth.length; i++) robust = Math.max(robust, rotationErrorDeg(s.poses[i], truth[i]));

        restorePoses(s, start); // the same start for the plain fit
        for (int t = 0; t < points.length; t++) s.points[t] = points[t].clone();
        BundleAdjuster.adjust(s, new BundleAdjuster.Settings(100, 0, false, false, 1e-14), 0);
        double plain = 0;
        for (int i = 1; i < truth.length; i++) plain = Math.max(plain, rotationErrorDeg(s.poses[i], truth[i]));

        assertThat(robust).as("robust (plain: %s deg)", plain).isLessThan(0.01);
        assertThat(plain).isGreaterThan(3 * robust);
    }

    @Test
    void aLocalAdjustmentMovesOnlyTheFreedImages() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, FOCAL);
        Se3_F64[] truth = copyPoses(s);
        // Only the last two images are off; they alone are freed.
        for (int i = 6; i < 8; i++) s.poses[i].T.x += 0.05;
        Se3_F64[] start = copyPoses(s);
        boolean[] free = new boolean[8];
        free[6] = free[7] = true;

        BundleAdjuster.adjustLocal(s, 25, 1.0, free, 1e-8);

        for (int i = 0; i < 6; i++) {
            assertThat(s.poses[i].T.x).isEqualTo(start[i].T.x);
            assertThat(s.poses[i].R.data).containsExactly(start[i].R.data);
        }
        for (int i = 6; i < 8; i++) {
            assertThat(s.poses[i].T.x).isCloseTo(truth[i].T.x, within(1e-6));
            assertThat(rotationErrorDeg(s.poses[i], truth[i])).isLessThan(1e-4);
        }
        assertThat(BundleAdjuster.rms(s)).isLessThan(1e-4);
    }

    /** Mean distance of the camera centres from image 0's. */
    private static double spread(SceneState s) {
        double[] c0 = s.centre(0);
        double sum = 0;
        for (int i = 0; i < s.poses.length; i++) {
            double[] c = s.centre(i);
            sum += Math.sqrt((c[0] - c0[0]) * (c[0] - c0[0]) + (c[1] - c0[1]) * (c[1] - c0[1]) + (c[2] - c0[2]) * (c[2] - c0[2]));
        }
        return sum / s.poses.length;
    }

    private static void perturb(SceneState s, Random r, double rotationRad, double translation, double point) {
        for (int i = 1; i < s.poses.length; i++) {
            DMatrixRMaj d = rotation(rotationRad * r.nextGaussian(), rotationRad * r.nextGaussian(), rotationRad * r.nextGaussian());
            DMatrixRMaj rr = new DMatrixRMaj(3, 3);
            CommonOps_DDRM.mult(d, s.poses[i].R, rr);
            s.poses[i].R = rr;
            s.poses[i].T.x += translation * r.nextGaussian();
            s.poses[i].T.y += translation * r.nextGaussian();
            s.poses[i].T.z += translation * r.nextGaussian();
        }
        for (double[] p : s.points) {
            if (p == null) continue;
            for (int k = 0; k < 3; k++) p[k] += point * r.nextGaussian();
        }
    }

    private static DMatrixRMaj rotation(double ax, double ay, double az) {
        DMatrixRMaj out = new DMatrixRMaj(3, 3);
        georegression.geometry.ConvertRotation3D_F64.eulerToMatrix(georegression.struct.EulerType.XYZ, ax, ay, az, out);
        return out;
    }

    private static Se3_F64[] copyPoses(SceneState s) {
        Se3_F64[] c = new Se3_F64[s.poses.length];
        for (int i = 0; i < c.length; i++) c[i] = s.poses[i].copy();
        return c;
    }

    private static void restorePoses(SceneState s, Se3_F64[] poses) {
        for (int i = 0; i < poses.length; i++) s.poses[i] = poses[i].copy();
    }

    /** Angle of R_a R_b^T in degrees. */
    private static double rotationErrorDeg(Se3_F64 a, Se3_F64 b) {
        DMatrixRMaj d = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.multTransB(a.R, b.R, d);
        double c = (CommonOps_DDRM.trace(d) - 1) / 2;
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c))));
    }
}
