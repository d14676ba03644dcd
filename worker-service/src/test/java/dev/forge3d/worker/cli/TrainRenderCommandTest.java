package dev.forge3d.worker.cli;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyReader;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The train, render and bench-raster commands on a small NeRF-synthetic-style scene written to disk. */
class TrainRenderCommandTest {

    static final double FOV = 0.7;

    /** Writes a NeRF-synthetic folder (transforms_train.json + RGBA PNGs) rendered from a random Gaussian scene. */
    static void writeScene(Path dir, int views, int size) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        GaussianModel gt = new GaussianModel(40);
        for (int i = 0; i < 40; i++) {
            float[] q = {1, (float) rnd.nextDouble(-0.3, 0.3), 0, 0};
            gt.set(i, (float) rnd.nextDouble(-0.4, 0.4), (float) rnd.nextDouble(-0.4, 0.4), (float) rnd.nextDouble(-0.4, 0.4),
                    0.12f, 0.08f, 0.1f, q, 0.9f, (float) rnd.nextDouble(), (float) rnd.nextDouble(), (float) rnd.nextDouble());
        }
        Files.createDirectories(dir.resolve("train"));
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"camera_angle_x\": %.10f, \"frames\": [", FOV));
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            for (int i = 0; i < views; i++) {
                double az = 2 * Math.PI * i / views, el = 0.4 * Math.sin(3.0 * i);
                double[] c = {3 * Math.cos(el) * Math.cos(az), 3 * Math.cos(el) * Math.sin(az), 3 * Math.sin(el)};
                // OpenGL camera-to-world: columns right, up, back
                double[] back = {c[0] / 3, c[1] / 3, c[2] / 3};
                double[] right = norm(cross(new double[] {0, 0, 1}, back));
                double[] up = cross(back, right);
                double[] m = {right[0], up[0], back[0], c[0], right[1], up[1], back[1], c[1], right[2], up[2], back[2], c[2], 0, 0, 0, 1};
                Camera cam = new Camera("r_" + i, Intrinsics.fromFovX(size, size, FOV), Pose.fromOpenGlCameraToWorld(m));
                RgbImage img = new RgbImage(size, size, r.forward(gt, cam, RasterSettings.white()).rgb().clone()).clamped();
                ImageIo.writePng(img, dir.resolve("train/r_" + i + ".png"));
                if (i > 0) json.append(',');
                json.append("{\"file_path\": \"./train/r_").append(i).append("\", \"transform_matrix\": [");
                for (int row = 0; row < 4; row++) {
                    json.append(row > 0 ? "," : "").append(String.format(Locale.ROOT, "[%.12f,%.12f,%.12f,%.12f]", m[4 * row], m[4 * row + 1], m[4 * row + 2], m[4 * row + 3]));
                }
                json.append("]}");
            }
        }
        Files.writeString(dir.resolve("transforms_train.json"), json.append("]}").toString());
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] norm(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }

    record Run(int code, String err) { }

    static Run run(String... args) {
        CommandLine cl = Forge3dCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void trainWritesPlySplatMetricsAndRendersThenRenderScoresThePly(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("scene");
        writeScene(data, 17, 48);
        Path out = tmp.resolve("out");
        Run r = run("train", "--data", data.toString(), "--iterations", "400", "--init-points", "3000", "--seed", "3",
                "--threads", "2", "--renders", "2", "--eval-at", "0.5", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"point_cloud.ply", "scene.splat", "metrics.json", "renders/r_0.png", "renders/r_0_gt.png", "renders/r_8.png"}) {
            assertThat(out.resolve(f)).exists();
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String k : new String[] {"psnr", "ssim", "gaussians", "iterations", "seconds", "threads", "curve", "views"}) assertThat(m.has(k)).as(k).isTrue();
        assertThat(m.get("iterations").asInt()).isEqualTo(400);
        assertThat(m.get("threads").asInt()).isEqualTo(2);
        assertThat(m.get("test_views").asInt()).isEqualTo(3);
        assertThat(m.get("psnr").asDouble()).isGreaterThan(20);
        assertThat(m.get("curve").size()).isEqualTo(1);
        GaussianModel model = PlyReader.read(out.resolve("point_cloud.ply"));
        assertThat(model.size()).isEqualTo(m.get("gaussians").asInt());
        assertThat(Files.size(out.resolve("scene.splat"))).isEqualTo(32L * model.size());

        Path rendered = tmp.resolve("rendered");
        Run rr = run("render", "--ply", out.resolve("point_cloud.ply").toString(), "--data", data.toString(), "--out", rendered.toString());
        assertThat(rr.code()).as(rr.err()).isZero();
        JsonNode rm = new ObjectMapper().readTree(rendered.resolve("metrics.json").toFile());
        assertThat(rm.get("psnr").asDouble()).isCloseTo(m.get("psnr").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(rendered.resolve("r_16.png")).exists();
    }

    @Test
    void badInputIsOneReadableLineAndExitCodeOne(@TempDir Path tmp) {
        Run r = run("train", "--data", tmp.resolve("missing").toString(), "--iterations", "10", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("forge3d train: dataset folder not found").doesNotContain("Exception").hasLineCount(1);
        Run r2 = run("render", "--ply", tmp.resolve("none.ply").toString(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r2.code()).isEqualTo(1);
        assertThat(r2.err()).contains("PLY not found");
    }

    @Test
    void benchRasterReportsForwardAndBackwardTimes() {
        Run r = run("bench-raster", "--gaussians", "3000", "--sizes", "64", "--iterations", "2", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
    }
}
