package dev.forge3d.runtime.camera;

/**
 * Pinhole intrinsics of an undistorted image: focal lengths and principal point in pixels.
 * Pixel centres sit at integer index + 0.5 (the convention of the Inria rasterizer and COLMAP).
 */
public record Intrinsics(int width, int height, double fx, double fy, double cx, double cy) {

    public Intrinsics {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (!(fx > 0) || !(fy > 0)) throw new IllegalArgumentException("focal lengths must be positive: " + fx + ", " + fy);
    }

    /** Intrinsics from a horizontal field of view (NeRF-synthetic's {@code camera_angle_x}), principal point at the centre. */
    public static Intrinsics fromFovX(int width, int height, double fovX) {
        double f = 0.5 * width / Math.tan(0.5 * fovX);
        return new Intrinsics(width, height, f, f, 0.5 * width, 0.5 * height);
    }

    public double fovX() { return 2 * Math.atan(0.5 * width / fx); }

    public double fovY() { return 2 * Math.atan(0.5 * height / fy); }

    /** The same camera at an image {@code factor} times smaller in each direction (rounded to whole pixels). */
    public Intrinsics downscaled(double factor) {
        int w = Math.max(1, (int) Math.round(width / factor));
        int h = Math.max(1, (int) Math.round(height / factor));
        double sx = (double) w / width, sy = (double) h / height;
        return new Intrinsics(w, h, fx * sx, fy * sy, cx * sx, cy * sy);
    }
}
