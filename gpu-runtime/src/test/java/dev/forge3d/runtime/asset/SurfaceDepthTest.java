package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The surface depth that meshing fuses: the depth where a ray's transmittance falls to 1/2, taken at the densest
 * point of that Gaussian along the ray, must lie on a surface made of flat Gaussians seen at a slant (where the
 * Gaussians' centre depths and the alpha-blended mean miss it by a fraction of their size); and a sphere of
 * Gaussians must mesh onto the sphere.
 */
class SurfaceDepthTest {

    static CpuRasterizer raster;

    @BeforeAll
    static void open() { raster = new CpuRasterizer(2); }

    @AfterAll
    static void close() { raster.close(); }

    /** The plane z = 2 + 0.5 x (camera frame at the origin looking along +z), tiled with flat Gaussians 6 cm wide. */
    @Test
    void medianRayDepthLiesOnASlantedPlaneOfFlatGaussians() {
        double slope = 0.5;
        double[] n = normalise(new double[] {-slope, 0, 1});
        // rotation whose third column is the plane's normal (the flat axis), first along the plane's x direction
        double[] ax = normalise(new double[] {1, 0, slope}), ay = {0, 1, 0};
        float[] q = quaternion(ax, ay, n);
        List<double[]> centres = new ArrayList<>();
        for (double x = -1.2; x <= 1.2; x += 0.04) for (double y = -1.0; y <= 1.0; y += 0.04) centres.add(new double[] {x, y, 2 + slope * x});
        GaussianModel m = new GaussianModel(centres.size());
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < centres.size(); i++) {
            double[] c = centres.get(i);
            // jitter along the plane only: the surface stays exactly the plane
            double jx = (rnd.nextDouble() - 0.5) * 0.02, jy = (rnd.nextDouble() - 0.5) * 0.02;
            m.set(i, (float) (c[0] + jx * ax[0]), (float) (c[1] + jy), (float) (c[2] + jx * ax[2]), 0.03f, 0.03f, 0.0005f, q, 0.9f, 0.5f, 0.5f, 0.5f);
        }
        Camera cam = new Camera("c", new Intrinsics(160, 120, 150, 150, 80, 60), Pose.identity());
        RenderResult r = raster.forward(m, cam, RasterSettings.black().withSurfaceDepth());
        float[] med = r.medianDepth(), acc = r.depth(), alpha = r.alpha();
        assertThat(med).isNotNull();
        double errMedian = 0, errMean = 0;
        int count = 0;
        for (int py = 20; py < 100; py++) {
            for (int px = 20; px < 140; px++) {
                int i = py * 160 + px;
                assertThat(alpha[i]).isGreaterThan(0.5f);
                double x = (px + 0.5 - 80) / 150.0, y = (py + 0.5 - 60) / 150.0;
                double truth = 2 / (1 - slope * x); // z = 2 + slope * (x z)
                errMedian += Math.abs(med[i] - truth);
                errMean += Math.abs(acc[i] / alpha[i] - truth);
                count++;
            }
        }
        errMedian /= count;
        errMean /= count;
        assertThat(errMedian).isLessThan(0.002);       // 0.1 % of the depth
        assertThat(errMean).isGreaterThan(3 * errMedian);
    }

    /** A sphere (radius 0.3) of small Gaussians, photographed from 24 cameras, meshed whole (crop=none). */
    @Test
    void aSphereOfGaussiansMeshesOntoTheSphere() {
        double rad = 0.3;
        List<double[]> pts = new ArrayList<>();
        int rings = 60;
        for (int a = 0; a <= rings; a++) {
            double theta = Math.PI * a / rings;
            int around = Math.max(1, (int) Math.round(2 * rings * Math.sin(theta)));
            for (int b = 0; b < around; b++) {
                double phi = 2 * Math.PI * b / around;
                pts.add(new double[] {rad * Math.sin(theta) * Math.cos(phi), rad * Math.sin(theta) * Math.sin(phi), rad * Math.cos(theta)});
            }
        }
        GaussianModel m = new GaussianModel(pts.size());
        for (int i = 0; i < pts.size(); i++) {
            double[] p = pts.get(i);
            boolean dark = ((int) Math.floor(8 * Math.atan2(p[1], p[0])) + (int) Math.floor(10 * p[2])) % 2 == 0;
            float g = dark ? 0.2f : 0.8f;
            m.set(i, (float) p[0], (float) p[1], (float) p[2], 0.012f, 0.012f, 0.012f, new float[] {1, 0, 0, 0}, 0.95f, g, g, 0.5f);
        }
        List<View> views = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            double a = 2 * Math.PI * i / 24, h = i % 3 == 0 ? -0.6 : i % 3 == 1 ? 0.2 : 0.9;
            double[] c = {1.6 * Math.cos(a), 1.6 * Math.sin(a), h};
            double[] f = normalise(new double[] {-c[0], -c[1], -c[2]});
            double[] right = normalise(cross(f, new double[] {0, 0, 1})), down = cross(f, right);
            double[] rc2w = {right[0], down[0], f[0], right[1], down[1], f[1], right[2], down[2], f[2]};
            Camera cam = new Camera("v" + i, new Intrinsics(120, 120, 130, 130, 60, 60), Pose.fromCameraToWorld(rc2w, c));
            views.add(new View(cam.name(), cam, new RgbImage(120, 120)));
        }
        ProductAssets.Result r = ProductAssets.build(m, views,
                new ProductAssets.Options(ProductAssets.Crop.NONE, 20_000, 96, true, Double.NaN, 120, 0), raster, ProgressListener.NONE);
        TriangleMesh mesh = r.mesh();
        Similarity sceneFromModel = r.modelFromScene().inverse();
        float[] p = mesh.positions();
        double voxel = ((Number) r.decisions().get("voxel")).doubleValue();
        int near = 0;
        double sum = 0;
        for (int v = 0; v < p.length; v += 3) {
            double[] s = sceneFromModel.apply(new double[] {p[v], p[v + 1], p[v + 2]});
            double d = Math.abs(Math.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) - rad);
            sum += d;
            if (d < 0.01 * rad) near++;
        }
        // within 1 % of the radius (about one voxel) almost everywhere, no bias
        assertThat(near).isGreaterThan((int) (0.95 * mesh.vertexCount()));
        assertThat(sum / mesh.vertexCount()).isLessThan(Math.max(0.004, voxel));
        assertThat(mesh.triangleCount()).isGreaterThan(1000);
    }

    static double[] normalise(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** Unit quaternion (w, x, y, z) of the rotation with the given columns. */
    static float[] quaternion(double[] c0, double[] c1, double[] c2) {
        double m00 = c0[0], m11 = c1[1], m22 = c2[2];
        double w = Math.sqrt(Math.max(0, 1 + m00 + m11 + m22)) / 2;
        double x = Math.copySign(Math.sqrt(Math.max(0, 1 + m00 - m11 - m22)) / 2, c1[2] - c2[1]);
        double y = Math.copySign(Math.sqrt(Math.max(0, 1 - m00 + m11 - m22)) / 2, c2[0] - c0[2]);
        double z = Math.copySign(Math.sqrt(Math.max(0, 1 - m00 - m11 + m22)) / 2, c0[1] - c1[0]);
        return new float[] {(float) w, (float) x, (float) y, (float) z};
    }
}
