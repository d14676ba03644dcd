package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.geometry.LensModel;

import java.awt.image.BufferedImage;

/**
 * Removes the radial distortion of a self-calibrated camera: the output is a pinhole image of the same size,
 * focal length and principal point, each pixel sampled bilinearly where the distorted lens saw it.
 */
public final class ImageUndistorter {

    private ImageUndistorter() { }

    public static BufferedImage undistort(BufferedImage src, LensModel lens) {
        int w = src.getWidth(), h = src.getHeight();
        int[] in = src.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[w * h];
        double[] p = new double[2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5 - lens.cx) / lens.fx, v = (y + 0.5 - lens.cy) / lens.fy;
                lens.project(u, v, p);
                out[y * w + x] = sample(in, w, h, p[0] - 0.5, p[1] - 0.5);
            }
        }
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, w, h, out, 0, w);
        return dst;
    }

    /** Bilinear RGB sample at array coordinates (pixel centres at integers); black outside. */
    static int sample(int[] img, int w, int h, double x, double y) {
        if (x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5) return 0;
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        int xa = clamp(x0, w), xb = clamp(x0 + 1, w), ya = clamp(y0, h), yb = clamp(y0 + 1, h);
        int p00 = img[ya * w + xa], p10 = img[ya * w + xb], p01 = img[yb * w + xa], p11 = img[yb * w + xb];
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double c = (1 - fy) * ((1 - fx) * ((p00 >> shift) & 255) + fx * ((p10 >> shift) & 255))
                    + fy * ((1 - fx) * ((p01 >> shift) & 255) + fx * ((p11 >> shift) & 255));
            rgb |= Math.max(0, Math.min(255, (int) Math.round(c))) << shift;
        }
        return rgb;
    }

    private static int clamp(int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }
}
