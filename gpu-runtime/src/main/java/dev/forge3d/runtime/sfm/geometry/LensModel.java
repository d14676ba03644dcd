package dev.forge3d.runtime.sfm.geometry;

import dev.forge3d.runtime.camera.Intrinsics;

/**
 * A camera's intrinsics during reconstruction: pinhole {@code fx, fy, cx, cy} plus one radial term {@code k1}
 * (COLMAP's SIMPLE_RADIAL when {@code fx == fy}). Pixel centres at +0.5. {@code fixed} cameras (intrinsics given
 * by the user) are not refined by bundle adjustment. Mutable: bundle adjustment writes refined values back.
 */
public final class LensModel {

    public final int width, height;
    public double fx, fy, cx, cy, k1;
    public final boolean fixed;

    public LensModel(int width, int height, double fx, double fy, double cx, double cy, double k1, boolean fixed) {
        this.width = width; this.height = height;
        this.fx = fx; this.fy = fy; this.cx = cx; this.cy = cy; this.k1 = k1;
        this.fixed = fixed;
    }

    public static LensModel fixed(Intrinsics k) {
        return new LensModel(k.width(), k.height(), k.fx(), k.fy(), k.cx(), k.cy(), 0, true);
    }

    /** A self-calibrated camera: one focal length, principal point at the image centre, no distortion yet. */
    public static LensModel unknown(int width, int height, double focal) {
        return new LensModel(width, height, focal, focal, 0.5 * width, 0.5 * height, 0, false);
    }

    /** Pixel of a normalised image point (x/z, y/z). */
    public void project(double u, double v, double[] out) {
        double d = 1 + k1 * (u * u + v * v);
        out[0] = fx * u * d + cx;
        out[1] = fy * v * d + cy;
    }

    /** Normalised undistorted coordinates of a pixel (inverts the radial term by fixed-point iteration). */
    public void normalize(double px, double py, double[] out) {
        double xd = (px - cx) / fx, yd = (py - cy) / fy;
        double u = xd, v = yd;
        if (k1 != 0) {
            for (int it = 0; it < 20; it++) {
                double d = 1 + k1 * (u * u + v * v);
                double nu = xd / d, nv = yd / d;
                if (Math.abs(nu - u) + Math.abs(nv - v) < 1e-12) { u = nu; v = nv; break; }
                u = nu; v = nv;
            }
        }
        out[0] = u;
        out[1] = v;
    }

    /** The pinhole intrinsics of the undistorted image (same size, same focal length and principal point). */
    public Intrinsics undistortedIntrinsics() {
        return new Intrinsics(width, height, fx, fy, cx, cy);
    }

    public LensModel copy() {
        return new LensModel(width, height, fx, fy, cx, cy, k1, fixed);
    }
}
