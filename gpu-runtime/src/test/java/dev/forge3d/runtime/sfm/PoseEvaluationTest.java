package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.colmap.ColmapTextWriter;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.sfm.eval.GroundTruthCameras;
import dev.forge3d.runtime.sfm.eval.PoseEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PoseEvaluationTest {

    private static double[] rot(double[] axis, double deg) {
        double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        double x = axis[0] / n, y = axis[1] / n, z = axis[2] / n, a = Math.toRadians(deg), c = Math.cos(a), s = Math.sin(a), t = 1 - c;
        return new double[] {
            t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c};
    }

    private static double[] mul(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        return c;
    }

    private static double[] t(double[] m) { return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]}; }

    @Test
    void anExactSimilarityCopyHasZeroErrorAndTinyRotationsAreMeasuredExactly() {
        Random r = new Random(3);
        Map<String, Pose> truth = new LinkedHashMap<>(), est = new LinkedHashMap<>(), perturbed = new LinkedHashMap<>();
        double[] ra = rot(new double[] {0.3, -1, 0.2}, 37);
        double s = 0.25;
        double[] shift = {3, -1, 7};
        for (int i = 0; i < 8; i++) {
            double[] rc2w = rot(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}, 20 + 30 * r.nextDouble());
            double[] c = {r.nextGaussian() * 3, r.nextGaussian(), r.nextGaussian() * 3};
            Pose gt = Pose.fromCameraToWorld(rc2w, c);
            truth.put("img" + i, gt);
            // The estimate lives in another frame: x_est = Ra^T (x_gt - shift) / s.
            double[] ce = new double[3];
            double[] d = {c[0] - shift[0], c[1] - shift[1], c[2] - shift[2]};
            for (int k = 0; k < 3; k++) ce[k] = (ra[k] * d[0] + ra[3 + k] * d[1] + ra[6 + k] * d[2]) / s;
            double[] rEst = mul(gt.rotation(), ra);
            est.put("img" + i, Pose.fromCameraToWorld(t(rEst), ce));
            // The same with every camera turned by 0.001 degrees about its own axis.
            double[] rBad = mul(rot(new double[] {0, 1, 0}, 0.001), rEst);
            perturbed.put("img" + i, Pose.fromCameraToWorld(t(rBad), ce));
        }
        PoseEvaluation.Report exact = PoseEvaluation.evaluate(est, truth);
        assertThat(exact.medianRotationDeg()).isLessThan(1e-6);
        assertThat(exact.medianCentreFraction()).isLessThan(1e-9);
        assertThat(exact.scale()).isCloseTo(s, within(1e-9));
        PoseEvaluation.Report off = PoseEvaluation.evaluate(perturbed, truth);
        assertThat(off.medianRotationDeg()).isCloseTo(0.001, within(1e-7));
    }

    @Test
    void projectsNearlyOrthonormalMatricesBeforeMeasuring() {
        double[] r = rot(new double[] {1, 2, 3}, 10);
        double[] noisy = r.clone();
        noisy[0] += 1e-6;
        noisy[4] -= 1e-6;
        double angle = PoseEvaluation.rotationAngleDeg(mul(PoseEvaluation.projectToSO3(noisy), t(r)));
        assertThat(angle).isLessThan(1e-4);
    }

    @Test
    void colmapTextModelRoundTripsPoses(@TempDir Path dir) throws Exception {
        Pose p = Pose.fromCameraToWorld(rot(new double[] {0.2, 1, 0.1}, 30), new double[] {1.5, -0.25, 2});
        List<ColmapTextWriter.ImageEntry> images = new ArrayList<>();
        images.add(new ColmapTextWriter.ImageEntry(1, "a.jpg", 1, p, new double[] {10.5, 20.25}, new long[] {1}));
        images.add(new ColmapTextWriter.ImageEntry(2, "b.jpg", 1, Pose.identity(), new double[0], new long[0]));
        ColmapTextWriter.write(dir, List.of(new ColmapTextWriter.CameraEntry(1, new Intrinsics(640, 480, 500, 501, 320, 240))),
                images, List.of(new ColmapTextWriter.PointEntry(1, 0.5, 0.25, 3, 255, 128, 0, 0.4, new int[] {1, 0})));
        Map<String, Pose> back = GroundTruthCameras.readColmapImages(dir);
        assertThat(back).containsOnlyKeys("a.jpg", "b.jpg");
        for (int k = 0; k < 9; k++) assertThat(back.get("a.jpg").rotation()[k]).isCloseTo(p.rotation()[k], within(1e-12));
        for (int k = 0; k < 3; k++) assertThat(back.get("a.jpg").translation()[k]).isCloseTo(p.translation()[k], within(1e-12));
        assertThat(Files.readAllLines(dir.resolve("cameras.txt"))).contains("1 PINHOLE 640 480 500.0 501.0 320.0 240.0");
        assertThat(Files.readAllLines(dir.resolve("points3D.txt"))).contains("1 0.5 0.25 3.0 255 128 0 0.4 1 0");
        List<String> lines = Files.readAllLines(dir.resolve("images.txt")).stream().filter(l -> !l.startsWith("#")).toList();
        assertThat(lines.get(1)).isEqualTo("10.5 20.25 1");
        assertThat(lines.get(3)).isEmpty();
    }
}
