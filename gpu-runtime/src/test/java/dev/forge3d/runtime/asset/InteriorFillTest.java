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
 * Depth fusion of a solid ball (radius 0.3) from exact depth maps, where 2 of 30 views see through its wall (as a
 * splat's semi-transparent walls let grazing views do): without {@link TsdfVolume#fillInterior} the see-through
 * views carve the ball's inside and marching cubes returns an inner surface as well; with it the mesh is the sphere
 * alone. And {@link ProductAssets#restOnSupport} puts the cut-off base back on the support plane.
 */
class InteriorFillTest {

    static final double R = 0.3;

    @Test
    void seeThroughViewsNoLongerLeaveAHollowShell() {
        List<DepthMaps.DepthMap> maps = depthMaps();
        TriangleMesh carved = fuse(maps, false);
        TriangleMesh filled = fuse(maps, true);
        double voxel = 2 * (R + 0.05) / 64;
        System.out.printf("interior fill: carved %.4f / %.4f inside R-4 / R-8 voxels, filled %.4f / %.4f / %.4f inside R-2 / R-4 / R-6%n",
                shareWithin(carved, R - 4 * voxel), shareWithin(carved, R - 8 * voxel), shareWithin(filled, R - 2 * voxel),
                shareWithin(filled, R - 4 * voxel), shareWithin(filled, R - 6 * voxel));
        // carved: part of the mesh is an inner wall, far inside the sphere
        assertThat(shareWithin(carved, R - 4 * voxel)).isGreaterThan(0.05);
        assertThat(shareWithin(carved, R - 8 * voxel)).isGreaterThan(0.005);
        // filled: nothing deeper than the truncation band (4 voxels) plus two; only dimples where the tunnels began
        assertThat(shareWithin(filled, R - 6 * voxel)).isZero();
        assertThat(shareWithin(filled, R - 4 * voxel)).isLessThan(0.02);
        float[] v = filled.positions();
        for (int i = 0; i < v.length; i += 3) {
            assertThat(Math.sqrt(v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]) - R).isLessThan(2 * voxel);
        }
    }

    @Test
    void theCapLeftByTheSupportCutRestsOnTheSupport() {
        // a box from y = 0.004 (the cut) to 0.1, 1 mm voxels: the cap at the cut moves to y = 0, the rest stays
        float[] p = {0, 0.0045f, 0, 1, 0.0045f, 0, 0, 0.1f, 0, 1, 0.02f, 0};
        TriangleMesh m = new TriangleMesh(p, null, new int[] {0, 1, 2, 1, 3, 2});
        TriangleMesh out = ProductAssets.restOnSupport(m, 0.004, 0.001);
        assertThat(out.positions()[1]).isZero();
        assertThat(out.positions()[4]).isZero();
        assertThat(out.positions()[7]).isEqualTo(0.1f);
        assertThat(out.positions()[10]).isEqualTo(0.02f);
    }

    static double shareWithin(TriangleMesh m, double radius) {
        float[] v = m.positions();
        int inside = 0;
        for (int i = 0; i < v.length; i += 3) if (Math.sqrt(v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]) < radius) inside++;
        return inside / (double) (v.length / 3);
    }

    static TriangleMesh fuse(List<DepthMaps.DepthMap> maps, boolean fill) {
        double half = R + 0.05, voxel = 2 * half / 64;
        TsdfVolume v = new TsdfVolume(new double[] {-half, -half, -half}, new double[] {half, half, half}, voxel, 4 * voxel,
                Similarity.identity());
        for (DepthMaps.DepthMap d : maps) v.integrate(d);
        if (fill) v.fillInterior(0.9);
        v.close(Double.NEGATIVE_INFINITY);
        return MarchingCubes.extract(v.toGrid(), 0f);
    }

    /** 30 cameras around the ball (three heights) with exact depth; 2 of them see through it inside a disc. */
    static List<DepthMaps.DepthMap> depthMaps() {
        List<DepthMaps.DepthMap> out = new ArrayList<>();
        int w = 96, h = 96;
        for (int i = 0; i < 30; i++) {
            double a = 2 * Math.PI * i / 30, e = (i % 3 - 1) * 0.5;
            double[] c = {1.5 * Math.cos(a) * Math.cos(e), 1.5 * Math.sin(e), 1.5 * Math.sin(a) * Math.cos(e)};
            double[] f = unit(new double[] {-c[0], -c[1], -c[2]});
            double[] right = unit(cross(f, new double[] {0, 1, 0})), down = cross(f, right);
            double[] rc2w = {right[0], down[0], f[0], right[1], down[1], f[1], right[2], down[2], f[2]};
            Camera cam = new Camera("v" + i, new Intrinsics(w, h, 90, 90, w / 2.0, h / 2.0), Pose.fromCameraToWorld(rc2w, c));
            boolean seeThrough = i % 15 == 0;
            float[] depth = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double[] dc = {(x + 0.5 - w / 2.0) / 90, (y + 0.5 - h / 2.0) / 90, 1};
                    double[] dw = unit(new double[] {rc2w[0] * dc[0] + rc2w[1] * dc[1] + rc2w[2], rc2w[3] * dc[0] + rc2w[4] * dc[1] + rc2w[5],
                            rc2w[6] * dc[0] + rc2w[7] * dc[1] + rc2w[8]});
                    // ray c + t dw against the sphere; background: a wall 3 units away
                    double b = dot(c, dw), disc = b * b - (dot(c, c) - R * R);
                    double t = 3;
                    if (disc > 0) {
                        double near = -b - Math.sqrt(disc), far = -b + Math.sqrt(disc);
                        t = seeThrough && Math.abs(x - w / 2) < 12 && Math.abs(y - h / 2) < 12 ? far + 0.02 : near;
                    }
                    depth[y * w + x] = (float) (t * dot(dw, f)); // camera-space z
                }
            }
            out.add(new DepthMaps.DepthMap(cam, depth));
        }
        return out;
    }

    static double dot(double[] a, double[] b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

    static double[] unit(double[] a) {
        double l = Math.sqrt(dot(a, a));
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
}
