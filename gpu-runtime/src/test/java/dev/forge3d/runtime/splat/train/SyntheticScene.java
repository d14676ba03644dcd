package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small scene rendered by the project's own rasterizer: coloured Gaussians seen by cameras on a sphere. */
public final class SyntheticScene {

    private SyntheticScene() { }

    /** A camera at {@code centre} looking at the origin, world up +z (OpenCV axes). */
    public static Camera lookAt(String name, double[] centre, int size, double fovX) {
        double[] f = {-centre[0], -centre[1], -centre[2]};
        normalise(f);
        double[] r = cross(f, new double[] {0, 0, 1});
        normalise(r);
        double[] d = cross(f, r);
        double[] rc2w = {r[0], d[0], f[0], r[1], d[1], f[1], r[2], d[2], f[2]};
        return new Camera(name, Intrinsics.fromFovX(size, size, fovX), Pose.fromCameraToWorld(rc2w, centre));
    }

    public static GaussianModel groundTruth(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 60;
        GaussianModel m = new GaussianModel(n);
        for (int i = 0; i < n; i++) {
            double th = rnd.nextDouble(0, 2 * Math.PI), ph = Math.acos(rnd.nextDouble(-1, 1)), rad = 0.55 * Math.cbrt(rnd.nextDouble());
            float[] q = {(float) rnd.nextDouble(-1, 1), (float) rnd.nextDouble(-1, 1), (float) rnd.nextDouble(-1, 1), (float) rnd.nextDouble(-1, 1)};
            m.set(i, (float) (rad * Math.sin(ph) * Math.cos(th)), (float) (rad * Math.sin(ph) * Math.sin(th)), (float) (rad * Math.cos(ph)),
                    (float) rnd.nextDouble(0.05, 0.2), (float) rnd.nextDouble(0.05, 0.2), (float) rnd.nextDouble(0.05, 0.2), q,
                    (float) rnd.nextDouble(0.6, 0.95), (float) rnd.nextDouble(), (float) rnd.nextDouble(), (float) rnd.nextDouble());
        }
        return m;
    }

    /** {@code views} views at {@code size}x{@code size} on a sphere of radius 3; every 8th held out. */
    public static SceneDataset dataset(int views, int size) {
        GaussianModel gt = groundTruth(99);
        List<View> train = new ArrayList<>(), test = new ArrayList<>();
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            for (int i = 0; i < views; i++) {
                double az = 2 * Math.PI * i / views * 3.0, el = Math.toRadians(-30 + 60.0 * i / views);
                double[] c = {3 * Math.cos(el) * Math.cos(az), 3 * Math.cos(el) * Math.sin(az), 3 * Math.sin(el)};
                Camera cam = lookAt("v" + i, c, size, 0.7);
                float[] rgb = r.forward(gt, cam, RasterSettings.white()).rgb().clone();
                RgbImage img = new RgbImage(size, size, rgb).clamped();
                (i % 8 == 0 ? test : train).add(new View("v" + i, cam, img));
            }
        }
        return new SceneDataset("synthetic", train, test, new float[0], new float[0]);
    }

    private static void normalise(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (int i = 0; i < 3; i++) v[i] /= n;
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
}
