package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.splat.GaussianModel;

import java.util.SplittableRandom;

/** Tiny random scenes for rasterizer tests. */
public final class TestScenes {

    private TestScenes() { }

    public static Camera camera(int w, int h) {
        Pose pose = Pose.fromQuaternion(0.98, 0.08, -0.12, 0.05, new double[] {0.1, -0.05, 3.0});
        return new Camera("test", new Intrinsics(w, h, 1.4 * w, 1.4 * w, 0.5 * w + 0.3, 0.5 * h - 0.2), pose);
    }

    /** n Gaussians around the origin with moderate opacity (no clamping) and small view-dependent SH. */
    public static GaussianModel random(int n, long seed, int shDegree) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GaussianModel m = new GaussianModel(n);
        m.setShDegree(shDegree);
        float[] pos = m.positions(), ls = m.logScales(), rot = m.rotations(), op = m.opacityLogits(), dc = m.shDc(), rest = m.shRest();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                pos[3 * i + k] = (float) rnd.nextDouble(-0.5, 0.5);
                ls[3 * i + k] = (float) Math.log(rnd.nextDouble(0.12, 0.35));
                dc[3 * i + k] = (float) rnd.nextDouble(-0.9, 0.9);
            }
            for (int k = 0; k < 4; k++) rot[4 * i + k] = (float) rnd.nextDouble(-1, 1);
            op[i] = (float) rnd.nextDouble(-1.5, 1.0);
            for (int k = 0; k < 45; k++) rest[45 * i + k] = (float) rnd.nextDouble(-0.12, 0.12);
        }
        return m;
    }
}
