package dev.forge3d.runtime.camera;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CameraFocusTest {

    static List<Camera> orbit(double[] target, double radius, int n) {
        List<Camera> cams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double[] c = {target[0] + radius * Math.cos(a), target[1] + radius * Math.sin(a), target[2] + 0.5 * radius * (i % 2)};
            double[] f = {target[0] - c[0], target[1] - c[1], target[2] - c[2]};
            double fl = Math.sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
            for (int k = 0; k < 3; k++) f[k] /= fl;
            double[] right = {f[1], -f[0], 0};
            double rl = Math.hypot(right[0], right[1]);
            right[0] /= rl; right[1] /= rl;
            double[] down = {f[1] * right[2] - f[2] * right[1], f[2] * right[0] - f[0] * right[2], f[0] * right[1] - f[1] * right[0]};
            double[] rc2w = {right[0], down[0], f[0], right[1], down[1], f[1], right[2], down[2], f[2]};
            cams.add(new Camera("c" + i, new Intrinsics(100, 100, 90, 90, 50, 50), Pose.fromCameraToWorld(rc2w, c)));
        }
        return cams;
    }

    @Test
    void anOrbitFocusesOnItsTarget() {
        double[] target = {5, -3, 2};
        CameraFocus f = CameraFocus.of(orbit(target, 0.5, 12));
        assertThat(f).isNotNull();
        for (int k = 0; k < 3; k++) assertThat(f.point()[k]).isCloseTo(target[k], within(1e-9));
        assertThat(f.medianDistance()).isBetween(0.5, 0.5 * Math.sqrt(1.25) + 1e-9);
        assertThat(f.facing()).isEqualTo(1.0);
    }

    @Test
    void parallelCamerasHaveNoFocus() {
        List<Camera> cams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cams.add(new Camera("p" + i, new Intrinsics(100, 100, 90, 90, 50, 50),
                    Pose.fromCameraToWorld(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {i, 0, 0})));
        }
        assertThat(CameraFocus.of(cams)).isNull();
    }
}
