package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.Evaluation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A product shot made of Gaussians: a can (radius 0.25, height 0.5; red side, white lid) standing on a checkered
 * table, in a frame whose up axis is +Z and tilted, photographed by an orbit of cameras. The asset must be the can
 * alone, upright with +Y up, resting on y = 0, its surface where the can's is.
 */
class ProductAssetsTest {

    static final double R = 0.25, H = 0.5;
    /** The scene frame: the can's world is rotated by this (so "up" is not an axis) and shifted. */
    static final Similarity WORLD = new Similarity(1, rotation(new double[] {1, 2, 0.5}, 0.6), new double[] {0.3, -0.2, 1.0});
    static CpuRasterizer raster;
    static GaussianModel model;
    static List<View> views;

    @BeforeAll
    static void scene() {
        raster = new CpuRasterizer(2);
        model = canOnTable();
        views = orbit(model, 28);
    }

    @AfterAll
    static void close() { raster.close(); }

    @Test
    void theCanAloneUprightOnTheOrigin() throws Exception {
        ProductAssets.Result r = ProductAssets.build(model, views,
                new ProductAssets.Options(ProductAssets.Crop.AUTO, 20_000, 96, true, Double.NaN, 200, 512), raster, ProgressListener.NONE);
        assertThat(r.decisions().get("applied")).isEqualTo("object");
        assertThat(r.decisions().get("up")).isEqualTo("support-plane");
        TriangleMesh m = r.mesh();
        assertThat(m.triangleCount()).isBetween(500, 20_000);
        double[] lo = min(m.positions()), hi = max(m.positions());
        // every vertex near the can's surface in the can's own frame (no table left)
        Similarity canFromModel = WORLD.inverse().after(r.modelFromScene().inverse());
        float[] p = m.positions();
        int near = 0, cap = 0;
        double capLo = Double.MAX_VALUE, capHi = -Double.MAX_VALUE;
        for (int v = 0; v < p.length; v += 3) {
            double[] q = canFromModel.apply(new double[] {p[v], p[v + 1], p[v + 2]});
            if (p[v + 1] < 1e-4) { // the cap where the table was cut away: flat, inside the can's footprint
                cap++;
                capLo = Math.min(capLo, q[2]);
                capHi = Math.max(capHi, q[2]);
                if (Math.hypot(q[0], q[1]) < R + 0.03) near++;
            } else if (distanceToCan(q) < 0.03) {
                near++;
            }
        }
        assertThat(cap).isPositive();
        assertThat(capHi - capLo).isLessThan(1e-3);
        assertThat(capLo).isBetween(0.0, 0.06);
        assertThat(near).isGreaterThan((int) (0.97 * m.vertexCount()));
        // colours from the photos, linear: the side red, the lid white
        float[] c = m.colors();
        int redSide = 0, side = 0;
        for (int v = 0; v < p.length; v += 3) {
            double[] q = canFromModel.apply(new double[] {p[v], p[v + 1], p[v + 2]});
            if (q[2] > 0.1 && q[2] < H - 0.1) {
                side++;
                if (c[v] > 0.4 && c[v + 1] < 0.15 && c[v + 2] < 0.15) redSide++;
            }
        }
        assertThat(redSide).isGreaterThan((int) (0.9 * side));
        // the baked texture: side texels red, lid texels white (display values), read through the vertices' uvs
        var tex = r.textured();
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(tex.image()));
        assertThat(img.getWidth()).isEqualTo(512);
        Similarity canFromModelT = canFromModel;
        int texRed = 0, texSide = 0, texWhite = 0, texLid = 0;
        float[] tp = tex.positions(), uv = tex.uvs();
        for (int v = 0; v < tp.length / 3; v++) {
            double[] q = canFromModelT.apply(new double[] {tp[3 * v], tp[3 * v + 1], tp[3 * v + 2]});
            int rgb = img.getRGB(Math.min(511, (int) (uv[2 * v] * 512)), Math.min(511, (int) (uv[2 * v + 1] * 512)));
            int rr = rgb >> 16 & 255, gg = rgb >> 8 & 255, bb = rgb & 255;
            if (q[2] > 0.1 && q[2] < H - 0.1 && distanceToCan(q) < 0.03) {
                texSide++;
                if (rr > 150 && gg < 70 && bb < 70) texRed++;
            } else if (q[2] > H - 0.01 && Math.hypot(q[0], q[1]) < R - 0.05) {
                texLid++;
                if (rr > 200 && gg > 200 && bb > 200) texWhite++;
            }
        }
        assertThat(texRed).isGreaterThan((int) (0.9 * texSide));
        assertThat(texWhite).isGreaterThan((int) (0.9 * texLid));
        assertThat(texLid).isPositive();
        // the splat is cropped to the can too, and lies in the same frame
        assertThat(r.gaussians().size()).isLessThan(model.size() / 2);
        float[] g = r.gaussians().positions();
        for (int i = 0; i < r.gaussians().size(); i++) {
            assertThat(Math.hypot(g[3 * i], g[3 * i + 2])).isLessThan(R + 0.08);
            assertThat((double) g[3 * i + 1]).isBetween(-0.01, H + 0.08);
        }
    }

    @Test
    void theGlbPassesTheKhronosValidatorWithoutWarnings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path script = dev.forge3d.runtime.mesh.GlbWriterTest.findUp("scripts/gltf/validate-glb.mjs");
        org.junit.jupiter.api.Assumptions.assumeTrue(script != null
                        && java.nio.file.Files.isDirectory(script.getParent().resolve("node_modules/gltf-validator")),
                "Khronos gltf-validator not installed: run `npm ci --prefix scripts/gltf` (CI does)");
        ProductAssets.Result r = ProductAssets.build(model, views,
                new ProductAssets.Options(ProductAssets.Crop.AUTO, 5_000, 64, true, Double.NaN, 200, 512), raster, ProgressListener.NONE);
        java.nio.file.Path file = dir.resolve("model.glb");
        dev.forge3d.runtime.mesh.GlbWriter.write(r.textured(), file);
        Process p = new ProcessBuilder("node", script.toString(), file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out).contains("\"numErrors\":0", "\"numWarnings\":0");
    }

    @Test
    void cropNoneKeepsTheTable() {
        ProductAssets.Result r = ProductAssets.build(model, views,
                new ProductAssets.Options(ProductAssets.Crop.NONE, 20_000, 96, true, Double.NaN, 200, 0), raster, ProgressListener.NONE);
        assertThat(r.decisions().get("applied")).isEqualTo("none");
        double[] lo = min(r.mesh().positions()), hi = max(r.mesh().positions());
        assertThat(Math.max(hi[0] - lo[0], hi[2] - lo[2])).isGreaterThan(1.5);
        assertThat(r.gaussians().size()).isEqualTo(model.size());
    }

    @Test
    void structureFromMotionScaleIsTheObjectsHeight() {
        ProductAssets.Result r = ProductAssets.build(model, views,
                new ProductAssets.Options(ProductAssets.Crop.AUTO, 20_000, 96, false, Double.NaN, 200, 0), raster, ProgressListener.NONE);
        double[] lo = min(r.mesh().positions()), hi = max(r.mesh().positions());
        assertThat(hi[1] - lo[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(r.modelFromScene().scale()).isBetween(1 / (H + 0.03), 1 / (H - 0.06));
    }

    @Test
    void anObjectReachingTheSearchedRegionsEdgeIsNotCutOut() {
        ObjectPlacement p = new ObjectPlacement(true, null, Similarity.identity(), "support-plane", true, 0.001, 500,
                new double[] {-1, 0, -1}, new double[] {1, 2, 1}, 3);
        assertThat(ProductAssets.reachesEdge(new double[][] {{-0.3, 0, -0.3}, {0.3, 0.6, 0.3}}, p)).isFalse();
        assertThat(ProductAssets.reachesEdge(new double[][] {{-1, 0, -0.3}, {0.3, 0.6, 0.3}}, p)).isTrue(); // a table sheet
        assertThat(ProductAssets.reachesEdge(new double[][] {{-0.3, 0, -0.3}, {0.3, 1.99, 0.3}}, p)).isTrue(); // cut at the top
    }

    @Test
    void camerasThatLookOneWayFindNoObject() {
        List<Camera> facade = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            facade.add(new Camera("f" + i, new Intrinsics(160, 120, 150, 150, 80, 60),
                    Pose.fromCameraToWorld(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {0.2 * i, 0, -3})));
        }
        ObjectPlacement p = ObjectLocator.locate(model, facade);
        assertThat(p.found()).isFalse();
        assertThat(p.reason()).contains("do not look at one place");
    }

    @Test
    void rotatedGaussiansRenderTheSameFromTheMovedCamera() {
        Similarity s = new Similarity(1.7, rotation(new double[] {0.3, -1, 0.4}, 1.1), new double[] {0.5, 0.1, -0.2});
        GaussianModel moved = model.copy();
        // view-dependent colour: give the can some SH so that rotation of the coefficients is exercised
        Random rnd = new Random(5);
        float[] rest = moved.shRest();
        for (int i = 0; i < moved.size() * 45; i++) rest[i] = (float) (0.3 * rnd.nextGaussian());
        moved.setShDegree(3);
        GaussianModel original = moved.copy();
        GaussianTransform.transformInPlace(moved, s);
        Camera cam = views.get(3).camera();
        Similarity inv = s.inverse();
        double[] rc = cam.pose().r(), tc = cam.pose().t(), ri = inv.r(), ti = inv.t();
        double[] r = new double[9], t = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) r[3 * i + j] = rc[3 * i] * ri[j] + rc[3 * i + 1] * ri[3 + j] + rc[3 * i + 2] * ri[6 + j];
            t[i] = s.scale() * (rc[3 * i] * ti[0] + rc[3 * i + 1] * ti[1] + rc[3 * i + 2] * ti[2] + tc[i]);
        }
        Camera movedCam = new Camera("m", cam.intrinsics(), new Pose(r, t));
        float[] a = raster.forward(original, cam, RasterSettings.black()).rgb().clone();
        float[] b = raster.forward(moved, movedCam, RasterSettings.black()).rgb();
        // the same image up to float rounding: an alpha at a cut-off (1/255) may flip in a few pixels
        double sum = 0, bright = 0;
        for (int i = 0; i < a.length; i++) { sum += Math.abs(a[i] - b[i]); bright += a[i]; }
        assertThat(bright / a.length).isGreaterThan(0.1);
        assertThat(sum / a.length).isLessThan(1e-4);
    }

    // --- the synthetic scene ---

    static double distanceToCan(double[] q) {
        double rad = Math.hypot(q[0], q[1]);
        double dSide = rad <= R ? 0 : rad - R, dCap = q[2] < 0 ? -q[2] : q[2] > H ? q[2] - H : 0;
        if (dSide > 0 || dCap > 0) return Math.hypot(dSide, dCap);
        return Math.min(R - rad, Math.min(q[2], H - q[2]));
    }

    /** Marks a lid Gaussian in {@link #canOnTable}'s rows (side Gaussians carry their angle around the can). */
    static final double LID = -1;

    /** Vertical scale of the can's side discs. */
    static final double SIDE_SIGMA_Z = 0.006;

    static GaussianModel canOnTable() {
        List<double[]> rows = new ArrayList<>(); // x y z scale r g b [angle | LID] (can frame, z up)
        double step = 0.018;
        for (double x = -1.5; x <= 1.5; x += step) {
            for (double y = -1.5; y <= 1.5; y += step) {
                if (x * x + y * y > 1.5 * 1.5) continue;
                boolean dark = ((int) Math.floor(x / 0.1) + (int) Math.floor(y / 0.1)) % 2 == 0;
                rows.add(new double[] {x, y, 0, step * 0.8, dark ? 0.2 : 0.7, dark ? 0.3 : 0.6, dark ? 0.2 : 0.4});
            }
        }
        // rings from the lid down, the top one a vertical sigma under it: the side's opacity ends at the lid, as a
        // trained splat's does (rings up to the lid would stand a sigma above it in every silhouette)
        for (double z = H - SIDE_SIGMA_Z; z > 0; z -= step * 0.8) {
            for (double a = 0; a < 2 * Math.PI; a += step * 0.8 / R) {
                rows.add(new double[] {R * Math.cos(a), R * Math.sin(a), z, step * 0.7, 0.85, 0.05, 0.05, a});
            }
        }
        for (double x = -R; x <= R; x += step * 0.8) {
            for (double y = -R; y <= R; y += step * 0.8) {
                if (x * x + y * y <= R * R) rows.add(new double[] {x, y, H, step * 0.7, 0.95, 0.95, 0.95, LID});
            }
        }
        GaussianModel m = new GaussianModel(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            double[] w = WORLD.apply(new double[] {rows.get(i)[0], rows.get(i)[1], rows.get(i)[2]});
            float s = (float) rows.get(i)[3];
            float[] scale = {s, s, s};
            double[] local = {1, 0, 0, 0, 1, 0, 0, 0, 1};
            if (rows.get(i).length > 7) {
                // the can is drawn by flat discs lying in its surface (as trained splats' surfaces are): their
                // silhouette is the can's, where round blobs would widen it by a few sigma
                double a = rows.get(i)[7];
                if (a == LID) {
                    scale[2] = 0.1f * s;
                } else {
                    scale[0] = 0.1f * s; // local x along the can's radius
                    scale[2] = (float) SIDE_SIGMA_Z;
                    local = new double[] {Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1};
                }
            }
            double[] q = new Similarity(1, WORLD.r(), new double[3]).after(new Similarity(1, local, new double[3])).quaternion();
            m.set(i, (float) w[0], (float) w[1], (float) w[2], scale[0], scale[1], scale[2],
                    new float[] {(float) q[0], (float) q[1], (float) q[2], (float) q[3]}, 0.95f,
                    (float) rows.get(i)[4], (float) rows.get(i)[5], (float) rows.get(i)[6]);
        }
        return m;
    }

    /** Cameras around the can at two heights, looking at its middle (OpenCV axes), photos rendered from the model. */
    static List<View> orbit(GaussianModel m, int count) {
        List<View> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double a = 2 * Math.PI * i / count, h = i % 2 == 0 ? 0.8 : 1.4;
            double[] c = {1.8 * Math.cos(a), 1.8 * Math.sin(a), h}, target = {0, 0, 0.25};
            double[] f = unit(sub(target, c)), right = unit(cross(f, new double[] {0, 0, 1})), down = cross(f, right);
            double[] rc2w = {right[0], down[0], f[0], right[1], down[1], f[1], right[2], down[2], f[2]};
            // into the scene frame
            double[] wr = WORLD.r(), r2 = new double[9];
            for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) r2[3 * p + q] = wr[3 * p] * rc2w[q] + wr[3 * p + 1] * rc2w[3 + q] + wr[3 * p + 2] * rc2w[6 + q];
            Camera cam = new Camera("v" + i, new Intrinsics(200, 150, 170, 170, 100, 75), Pose.fromCameraToWorld(r2, WORLD.apply(c)));
            out.add(new View(cam.name(), cam, Evaluation.render(m, new View(cam.name(), cam,
                    new dev.forge3d.runtime.image.RgbImage(200, 150)), raster, RasterSettings.black())));
        }
        return out;
    }

    static double[] rotation(double[] axis, double angle) {
        double[] k = unit(axis);
        double c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
        return new double[] {
            t * k[0] * k[0] + c, t * k[0] * k[1] - s * k[2], t * k[0] * k[2] + s * k[1],
            t * k[0] * k[1] + s * k[2], t * k[1] * k[1] + c, t * k[1] * k[2] - s * k[0],
            t * k[0] * k[2] - s * k[1], t * k[1] * k[2] + s * k[0], t * k[2] * k[2] + c};
    }

    static double[] sub(double[] a, double[] b) { return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] unit(double[] a) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }

    static double[] min(float[] p) {
        double[] m = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int i = 0; i < p.length; i++) m[i % 3] = Math.min(m[i % 3], p[i]);
        return m;
    }

    static double[] max(float[] p) {
        double[] m = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < p.length; i++) m[i % 3] = Math.max(m[i % 3], p[i]);
        return m;
    }
}
