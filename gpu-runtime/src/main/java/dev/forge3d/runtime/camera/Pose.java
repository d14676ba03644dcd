package dev.forge3d.runtime.camera;

import java.util.Arrays;

/**
 * A rigid world-to-camera transform in the OpenCV convention (x right, y down, z forward):
 * {@code x_cam = R * x_world + t}. {@code r} is row-major 3x3.
 */
public record Pose(double[] r, double[] t) {

    public Pose {
        if (r.length != 9 || t.length != 3) throw new IllegalArgumentException("pose needs a 3x3 rotation and a 3-vector");
        r = r.clone();
        t = t.clone();
    }

    public static Pose identity() {
        return new Pose(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);
    }

    /** Builds the world-to-camera pose from a camera-to-world rotation and the camera centre. */
    public static Pose fromCameraToWorld(double[] rc2w, double[] centre) {
        double[] r = transpose(rc2w);
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) t[i] = -(r[3 * i] * centre[0] + r[3 * i + 1] * centre[1] + r[3 * i + 2] * centre[2]);
        return new Pose(r, t);
    }

    /** Converts an OpenGL camera-to-world 4x4 (row-major; x right, y up, looking down -z) to this convention. */
    public static Pose fromOpenGlCameraToWorld(double[] m4) {
        if (m4.length != 16) throw new IllegalArgumentException("need a 4x4 matrix");
        // OpenCV axes are OpenGL's with y and z flipped: R_c2w(cv) = R_c2w(gl) * diag(1,-1,-1).
        double[] rc2w = {
            m4[0], -m4[1], -m4[2],
            m4[4], -m4[5], -m4[6],
            m4[8], -m4[9], -m4[10]};
        return fromCameraToWorld(rc2w, new double[] {m4[3], m4[7], m4[11]});
    }

    /** The rotation as a row-major copy. */
    public double[] rotation() { return r.clone(); }

    public double[] translation() { return t.clone(); }

    /** Camera centre in world coordinates: {@code -R^T t}. */
    public double[] centre() {
        return new double[] {
            -(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]),
            -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
            -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2])};
    }

    /** Maps a world point into camera coordinates. */
    public double[] apply(double[] p) {
        return new double[] {
            r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
            r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
            r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2]};
    }

    /** Unit quaternion (w, x, y, z) of the world-to-camera rotation, w >= 0 (COLMAP's images.txt order). */
    public double[] quaternion() {
        double tr = r[0] + r[4] + r[8];
        double w, x, y, z;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1.0) * 2;
            w = 0.25 * s; x = (r[7] - r[5]) / s; y = (r[2] - r[6]) / s; z = (r[3] - r[1]) / s;
        } else if (r[0] > r[4] && r[0] > r[8]) {
            double s = Math.sqrt(1.0 + r[0] - r[4] - r[8]) * 2;
            w = (r[7] - r[5]) / s; x = 0.25 * s; y = (r[1] + r[3]) / s; z = (r[2] + r[6]) / s;
        } else if (r[4] > r[8]) {
            double s = Math.sqrt(1.0 + r[4] - r[0] - r[8]) * 2;
            w = (r[2] - r[6]) / s; x = (r[1] + r[3]) / s; y = 0.25 * s; z = (r[5] + r[7]) / s;
        } else {
            double s = Math.sqrt(1.0 + r[8] - r[0] - r[4]) * 2;
            w = (r[3] - r[1]) / s; x = (r[2] + r[6]) / s; y = (r[5] + r[7]) / s; z = 0.25 * s;
        }
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        double sign = w < 0 ? -1 : 1;
        return new double[] {sign * w / n, sign * x / n, sign * y / n, sign * z / n};
    }

    /** Pose from a unit quaternion (w, x, y, z) and translation, as COLMAP stores them. */
    public static Pose fromQuaternion(double w, double x, double y, double z, double[] t) {
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n; x /= n; y /= n; z /= n;
        double[] r = {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
        return new Pose(r, t);
    }

    static double[] transpose(double[] m) {
        return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pose p && Arrays.equals(r, p.r) && Arrays.equals(t, p.t);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(r) + Arrays.hashCode(t); }

    @Override
    public String toString() { return "Pose[r=" + Arrays.toString(r) + ", t=" + Arrays.toString(t) + "]"; }
}
