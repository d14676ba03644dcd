package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;

/**
 * A camera on a sphere around the origin looking at it, in a Y-up world (glTF's convention, so exported meshes
 * stand upright). Azimuth 0 looks from +z (the "front"), 90 degrees from +x; elevation is above the xz-plane.
 */
public record OrbitCamera(double elevationDeg, double azimuthDeg, double distance, double fovYDeg) {

    /** The pinhole camera at this orbit position for a {@code width x height} image. */
    public Camera camera(String name, int width, int height) {
        double el = Math.toRadians(elevationDeg), az = Math.toRadians(azimuthDeg);
        double[] c = {distance * Math.cos(el) * Math.sin(az), distance * Math.sin(el), distance * Math.cos(el) * Math.cos(az)};
        double[] f = normalize(new double[] {-c[0], -c[1], -c[2]});
        double[] up = {0, 1, 0};
        double[] right = normalize(cross(f, up));
        double[] down = cross(f, right);
        double[] r = {right[0], right[1], right[2], down[0], down[1], down[2], f[0], f[1], f[2]};
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) t[i] = -(r[3 * i] * c[0] + r[3 * i + 1] * c[1] + r[3 * i + 2] * c[2]);
        double fy = 0.5 * height / Math.tan(0.5 * Math.toRadians(fovYDeg));
        return new Camera(name, new Intrinsics(width, height, fy, fy, 0.5 * width, 0.5 * height), new Pose(r, t));
    }

    /** DreamFusion's view-dependent prompt suffix for this azimuth: front, side or back. */
    public String viewSuffix() {
        double a = ((azimuthDeg % 360) + 360) % 360;
        if (elevationDeg > 60) return "overhead view";
        if (a < 45 || a >= 315) return "front view";
        if (a >= 135 && a < 225) return "back view";
        return "side view";
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] normalize(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        if (n < 1e-12) throw new IllegalArgumentException("camera sits at the origin");
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }
}
