package dev.forge3d.runtime.sfm.geometry;

import boofcv.alg.geo.MultiViewOps;
import boofcv.alg.geo.robust.DistanceFundamentalGeometric;
import boofcv.struct.geo.AssociatedPair;
import georegression.struct.se.Se3_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Sampson distance is in squared pixels (the same scale as the exact geometric error, whatever F's norm) and
 * agrees with the exact error for keypoints a few pixels off.
 */
class SampsonDistanceTest {

    private static final double FOCAL = 2000, CX = 1368, CY = 912;

    @Test
    void agreesWithTheExactGeometricErrorInSquaredPixels() {
        DMatrixRMaj f = fundamental();
        SampsonDistance sampson = new SampsonDistance();
        DistanceFundamentalGeometric exact = new DistanceFundamentalGeometric();
        sampson.setModel(f);
        exact.setModel(f);
        Random r = new Random(5);
        int checked = 0;
        for (int i = 0; i < 500; i++) {
            AssociatedPair p = match(r);
            assertThat(sampson.distance(p)).as("an exact match").isLessThan(1e-12);
            double sx = 3 * r.nextGaussian(), sy = 3 * r.nextGaussian();
            p.p2.x += sx;
            p.p2.y += sy;
            double e = exact.distance(p), s = sampson.distance(p);
            assertThat(s).isLessThanOrEqualTo(sx * sx + sy * sy + 1e-9); // never more than the move that was made
            if (e > 0.01) {
                assertThat(s / e).isCloseTo(1, within(0.01));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(400);
    }

    @Test
    void doesNotDependOnTheScaleOfF() {
        DMatrixRMaj f = fundamental();
        AssociatedPair p = match(new Random(1));
        p.p2.y += 2; // across the (nearly horizontal) epipolar lines
        SampsonDistance d = new SampsonDistance();
        d.setModel(f);
        double a = d.distance(p);
        CommonOps_DDRM.scale(1e-3, f);
        d.setModel(f);
        assertThat(d.distance(p)).isCloseTo(a, within(1e-9 * a));
        assertThat(a).isGreaterThan(0.1);
    }

    private static DMatrixRMaj k() {
        return new DMatrixRMaj(3, 3, true, FOCAL, 0, CX, 0, FOCAL, CY, 0, 0, 1);
    }

    /** Camera 1 at the origin, camera 2 turned 20 degrees about y and moved sideways: a wide object-centric baseline. */
    private static Se3_F64 motion() {
        Se3_F64 m = new Se3_F64();
        double a = Math.toRadians(20);
        m.R = new DMatrixRMaj(3, 3, true, Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a));
        m.T.setTo(-1.5, 0.1, 0.3);
        return m;
    }

    private static DMatrixRMaj fundamental() {
        Se3_F64 m = motion();
        DMatrixRMaj e = MultiViewOps.createEssential(m.R, m.T, null);
        return MultiViewOps.createFundamental(e, k());
    }

    /** A point in front of both cameras and its exact projections. */
    private static AssociatedPair match(Random r) {
        double x = 4 * r.nextDouble() - 2, y = 3 * r.nextDouble() - 1.5, z = 4 + 4 * r.nextDouble();
        Se3_F64 m = motion();
        var d = m.R.data;
        double x2 = d[0] * x + d[1] * y + d[2] * z + m.T.x, y2 = d[3] * x + d[4] * y + d[5] * z + m.T.y,
                z2 = d[6] * x + d[7] * y + d[8] * z + m.T.z;
        return new AssociatedPair(FOCAL * x / z + CX, FOCAL * y / z + CY, FOCAL * x2 / z2 + CX, FOCAL * y2 / z2 + CY);
    }
}
