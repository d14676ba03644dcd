package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.mesh.MarchingCubes;
import dev.forge3d.runtime.mesh.TriangleMesh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cup whose fused surface lies inside the true one (a ball of radius 0.9 with a well drilled from the top, where
 * the true cup has radius 1.0): its silhouettes, seen from an orbit, are discs of radius 1.0. Filling the hull's
 * thin gaps must move the outer wall out to 1.0 and leave the well, which no silhouette shows, open.
 */
class HullGapTest {

    static final double TRUE_RADIUS = 1.0, FUSED_RADIUS = 0.9, WELL_RADIUS = 0.4, WELL_BOTTOM = 0.3, VOXEL = 0.05;

    @Test
    void theWallMovesOutToTheSilhouettesAndTheWellStaysOpen() {
        TsdfVolume v = cup();
        TriangleMesh before = MarchingCubes.extract(v.toGrid(), 0f);
        int filled = v.fillHullGaps(ballSilhouettes(), Double.NEGATIVE_INFINITY, 6);
        TriangleMesh after = MarchingCubes.extract(v.toGrid(), 0f);

        assertThat(filled).isGreaterThan(0);
        assertThat(medianEquatorRadius(before)).isCloseTo(FUSED_RADIUS, org.assertj.core.data.Offset.offset(0.3 * VOXEL));
        assertThat(medianEquatorRadius(after)).isCloseTo(TRUE_RADIUS, org.assertj.core.data.Offset.offset(0.3 * VOXEL));
        // the well: a voxel on the axis halfway down it is still outside the solid
        int i = (int) Math.round(1.5 / VOXEL), j = (int) Math.round((1.5 + 0.6) / VOXEL), k = i;
        assertThat(v.tsdf[v.index(i, j, k)]).isGreaterThan(0f);
    }

    @Test
    void aShallowDimpleThatNoSilhouetteNeedsStaysOpen() {
        // the well ends 0.72 up, 2 to 4 voxels below its rim: a voxel just above its floor is within the gap limit
        // of both the solid and the hull's outside (the ball of radius 1), but every view that sees it sees solid
        // behind it, so the silhouettes do not need it filled
        TsdfVolume v = cup(0.72);
        v.fillHullGaps(ballSilhouettes(), Double.NEGATIVE_INFINITY, 6);
        int i = (int) Math.round(1.5 / VOXEL), j = (int) Math.round((1.5 + 0.76) / VOXEL);
        assertThat(v.tsdf[v.index(i, j, i)]).isGreaterThan(0f);
        assertThat(v.tsdf[v.index(i + 4, j, i)]).isGreaterThan(0f);
    }

    @Test
    void aGapThickerThanTheLimitIsLeftAlone() {
        TsdfVolume v = cup();
        // the fused wall is 2 voxels inside the hull; a limit of 1.5 voxels leaves it there
        assertThat(v.fillHullGaps(ballSilhouettes(), Double.NEGATIVE_INFINITY, 1.5)).isZero();
    }

    /** The fused field of the too-small cup: signed distance, truncated at 4 voxels, everything observed. */
    static TsdfVolume cup() { return cup(WELL_BOTTOM); }

    static TsdfVolume cup(double wellBottom) {
        double[] lo = {-1.5, -1.5, -1.5}, hi = {1.5, 1.5, 1.5};
        TsdfVolume v = new TsdfVolume(lo, hi, VOXEL, 4 * VOXEL, Similarity.identity());
        for (int k = 0; k < v.nz; k++) for (int j = 0; j < v.ny; j++) for (int i = 0; i < v.nx; i++) {
            double[] p = v.centre(i, j, k);
            int idx = v.index(i, j, k);
            v.tsdf[idx] = (float) Math.max(-1, Math.min(1, cupDistance(p, wellBottom) / v.truncation));
            v.weight[idx] = 1;
        }
        return v;
    }

    /** Signed distance (approximate inside the rim) to the fused cup: positive outside. */
    static double cupDistance(double[] p, double wellBottom) {
        double ball = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) - FUSED_RADIUS;
        double inWell = Math.min(WELL_RADIUS - Math.hypot(p[0], p[2]), p[1] - wellBottom); // > 0 inside the well
        return Math.max(ball, inWell);
    }

    /** Alpha maps of a ball of radius 1 seen from 24 cameras around it, 1.5 pixels of soft edge. */
    static SilhouetteHull ballSilhouettes() {
        List<SilhouetteHull.AlphaMap> maps = new ArrayList<>();
        int w = 120, h = 120;
        double f = 100;
        for (int n = 0; n < 24; n++) {
            double a = 2 * Math.PI * n / 24, elev = n % 2 == 0 ? 0.2 : 0.7;
            double[] c = {4 * Math.cos(a) * Math.cos(elev), 4 * Math.sin(elev), 4 * Math.sin(a) * Math.cos(elev)};
            double[] fwd = unit(new double[] {-c[0], -c[1], -c[2]});
            double[] right = unit(cross(fwd, new double[] {0, -1, 0}));
            double[] down = cross(fwd, right);
            double[] rc2w = {right[0], down[0], fwd[0], right[1], down[1], fwd[1], right[2], down[2], fwd[2]};
            Camera cam = new Camera("c" + n, new Intrinsics(w, h, f, f, w / 2.0, h / 2.0), Pose.fromCameraToWorld(rc2w, c));
            float[] alpha = new float[w * h];
            double dist = 4, pixel = dist / f; // world size of a pixel at the ball's centre
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                double[] ray = unit(new double[] {(x + 0.5 - w / 2.0) / f, (y + 0.5 - h / 2.0) / f, 1});
                // distance of the centre from the ray = dist * sin(angle off the axis)
                double miss = dist * Math.sqrt(Math.max(0, 1 - ray[2] * ray[2]));
                alpha[y * w + x] = (float) Math.max(0, Math.min(1, 0.5 + (TRUE_RADIUS - miss) / (1.5 * pixel)));
            }
            maps.add(new SilhouetteHull.AlphaMap(cam, alpha));
        }
        return new SilhouetteHull(maps);
    }

    static double medianEquatorRadius(TriangleMesh m) {
        float[] p = m.positions();
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < p.length; i += 3) if (Math.abs(p[i + 1]) < 0.15) r.add(Math.sqrt(p[i] * p[i] + p[i + 1] * p[i + 1] + p[i + 2] * p[i + 2]));
        double[] s = r.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[s.length / 2];
    }

    static double[] unit(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
}
