package dev.forge3d.runtime.asset;

import java.util.Arrays;

/**
 * A similarity transform {@code x' = s R x + t} ({@code r} row-major 3x3, a proper rotation). Used for the map from
 * the reconstruction's frame to the delivered asset's frame (glTF: +Y up, metres or the documented unit).
 */
public record Similarity(double scale, double[] r, double[] t) {

    public Similarity {
        if (r.length != 9 || t.length != 3) throw new IllegalArgumentException("need a 3x3 rotation and a 3-vector");
        if (!(scale > 0) || !Double.isFinite(scale)) throw new IllegalArgumentException("scale must be positive: " + scale);
        r = r.clone();
        t = t.clone();
    }

    public static Similarity identity() {
        return new Similarity(1, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);
    }

    /** The rotation whose rows are the given orthonormal axes (a vector's coordinates along them). */
    public static Similarity rotationToAxes(double[] x, double[] y, double[] z) {
        return new Similarity(1, new double[] {x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]}, new double[3]);
    }

    public double[] apply(double[] p) {
        double[] v = rotate(p);
        return new double[] {scale * v[0] + t[0], scale * v[1] + t[1], scale * v[2] + t[2]};
    }

    /** R p, without scale or translation (for directions). */
    public double[] rotate(double[] p) {
        return new double[] {
            r[0] * p[0] + r[1] * p[1] + r[2] * p[2],
            r[3] * p[0] + r[4] * p[1] + r[5] * p[2],
            r[6] * p[0] + r[7] * p[1] + r[8] * p[2]};
    }

    public Similarity inverse() {
        double[] rt = {r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]};
        double[] ti = new double[3];
        for (int i = 0; i < 3; i++) ti[i] = -(rt[3 * i] * t[0] + rt[3 * i + 1] * t[1] + rt[3 * i + 2] * t[2]) / scale;
        return new Similarity(1 / scale, rt, ti);
    }

    /** {@code this} after {@code first}: x -> this(first(x)). */
    public Similarity after(Similarity first) {
        double[] rr = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rr[3 * i + j] = r[3 * i] * first.r[j] + r[3 * i + 1] * first.r[3 + j] + r[3 * i + 2] * first.r[6 + j];
            }
        }
        double[] ft = rotate(first.t);
        return new Similarity(scale * first.scale, rr,
                new double[] {scale * ft[0] + t[0], scale * ft[1] + t[1], scale * ft[2] + t[2]});
    }

    /** This followed by a uniform scale and a translation. */
    public Similarity thenScaleAndShift(double s, double[] shift) {
        return new Similarity(scale * s, r, new double[] {s * t[0] + shift[0], s * t[1] + shift[1], s * t[2] + shift[2]});
    }

    /** The 4x4 matrix, row-major (what metrics.json reports as {@code modelFromScene}). */
    public double[] matrix() {
        return new double[] {
            scale * r[0], scale * r[1], scale * r[2], t[0],
            scale * r[3], scale * r[4], scale * r[5], t[1],
            scale * r[6], scale * r[7], scale * r[8], t[2],
            0, 0, 0, 1};
    }

    /** The rotation as a unit quaternion (w, x, y, z). */
    public double[] quaternion() {
        return new dev.forge3d.runtime.camera.Pose(r, new double[3]).quaternion();
    }

    @Override
    public String toString() {
        return "Similarity[s=" + scale + ", r=" + Arrays.toString(r) + ", t=" + Arrays.toString(t) + "]";
    }
}
