package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.sfm.geometry.LensModel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A test scene with known cameras: three textured planes (a back wall, a side wall and a floor) photographed by
 * cameras on an arc, ray-cast with 2x2 supersampling. The textures are multi-octave value noise, which gives SIFT
 * plenty of blobs to find and match. Cameras may have one radial distortion term (SIMPLE_RADIAL).
 */
final class SyntheticScene {

    static final int W = 640, H = 480;
    static final double F = 520, CX = 320, CY = 240;

    private final long seed;
    private final float[][] grids = new float[3][];
    private static final int GRID = 160;

    SyntheticScene(long seed) {
        this.seed = seed;
        Random r = new Random(seed);
        for (int p = 0; p < 3; p++) {
            grids[p] = new float[GRID * GRID];
            for (int i = 0; i < grids[p].length; i++) grids[p][i] = r.nextFloat();
        }
    }

    /** Camera {@code i} of {@code n} on an arc in front of the planes, looking at the back wall. */
    static Pose camera(int i, int n) {
        double a = Math.toRadians(-18 + 36.0 * i / Math.max(1, n - 1));
        double[] c = {4.5 * Math.sin(a), -0.6 + 0.5 * (i % 3), 4.5 - 4.5 * Math.cos(a) + 0.4 * ((i / 3) % 2)};
        double[] target = {0, 0.3, 4.5};
        double[] z = norm(sub(target, c));
        double[] x = norm(cross(new double[] {0, 1, 0}, z));
        double[] y = cross(z, x);
        double[] rc2w = {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]};
        return Pose.fromCameraToWorld(rc2w, c);
    }

    /** Renders the view from {@code pose} through {@code lens} (its k1 distorts the image). */
    BufferedImage render(Pose pose, LensModel lens) {
        BufferedImage img = new BufferedImage(lens.width, lens.height, BufferedImage.TYPE_INT_RGB);
        double[] r = pose.rotation();
        double[] c = pose.centre();
        double[] n = new double[2];
        for (int py = 0; py < lens.height; py++) {
            for (int px = 0; px < lens.width; px++) {
                double sum = 0;
                for (int sy = 0; sy < 2; sy++) for (int sx = 0; sx < 2; sx++) {
                    lens.normalize(px + 0.25 + 0.5 * sx, py + 0.25 + 0.5 * sy, n);
                    // Ray direction in world coordinates: R^T (u, v, 1).
                    double dx = r[0] * n[0] + r[3] * n[1] + r[6], dy = r[1] * n[0] + r[4] * n[1] + r[7], dz = r[2] * n[0] + r[5] * n[1] + r[8];
                    sum += shade(c, dx, dy, dz);
                }
                int g = (int) Math.max(0, Math.min(255, Math.round(sum / 4 * 255)));
                img.setRGB(px, py, (g << 16) | (Math.min(255, g + 20) << 8) | Math.max(0, g - 20));
            }
        }
        return img;
    }

    private double shade(double[] c, double dx, double dy, double dz) {
        double best = Double.POSITIVE_INFINITY, value = 0.5;
        // Back wall z = 7.
        if (dz > 1e-9) { double t = (7 - c[2]) / dz; if (t > 0 && t < best) { best = t; value = tex(0, c[0] + t * dx, c[1] + t * dy); } }
        // Side wall x = -3.5.
        if (dx < -1e-9) { double t = (-3.5 - c[0]) / dx; if (t > 0 && t < best) { best = t; value = tex(1, c[2] + t * dz, c[1] + t * dy); } }
        // Floor y = 1.6 (y points down).
        if (dy > 1e-9) { double t = (1.6 - c[1]) / dy; if (t > 0 && t < best) { best = t; value = tex(2, c[0] + t * dx, c[2] + t * dz); } }
        return value;
    }

    /** Multi-octave value noise on plane p at (s, t). */
    private double tex(int p, double s, double t) {
        double v = 0, amp = 0.5, freq = 1.5, total = 0;
        for (int o = 0; o < 4; o++) {
            v += amp * noise(grids[p], s * freq + 17.3 * o, t * freq + 9.1 * o);
            total += amp;
            amp *= 0.6;
            freq *= 2.1;
        }
        double x = v / total;
        return 0.5 + 1.8 * (x - 0.5);
    }

    private static double noise(float[] g, double s, double t) {
        s = s + GRID * 4; t = t + GRID * 4;
        int i = (int) Math.floor(s), j = (int) Math.floor(t);
        double fs = s - i, ft = t - j;
        fs = fs * fs * (3 - 2 * fs);
        ft = ft * ft * (3 - 2 * ft);
        double a = g[Math.floorMod(j, GRID) * GRID + Math.floorMod(i, GRID)], b = g[Math.floorMod(j, GRID) * GRID + Math.floorMod(i + 1, GRID)];
        double cc = g[Math.floorMod(j + 1, GRID) * GRID + Math.floorMod(i, GRID)], d = g[Math.floorMod(j + 1, GRID) * GRID + Math.floorMod(i + 1, GRID)];
        return (1 - ft) * ((1 - fs) * a + fs * b) + ft * ((1 - fs) * cc + fs * d);
    }

    /** Writes {@code n} views as PNGs into {@code dir}; returns the true poses by file name. */
    Map<String, Pose> writeViews(Path dir, int n, double k1) throws IOException {
        LensModel lens = new LensModel(W, H, F, F, CX, CY, k1, true);
        Map<String, Pose> poses = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Pose p = camera(i, n);
            String name = String.format("view%02d.png", i);
            ImageIO.write(render(p, lens), "png", dir.resolve(name).toFile());
            poses.put(name, p);
        }
        return poses;
    }

    /** Writes an image of independent random noise blobs (matches nothing else). */
    static void writeNoise(Path file, long seed) throws IOException {
        SyntheticScene other = new SyntheticScene(seed);
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) {
            double v = other.tex(0, x / 60.0 + r.nextDouble() * 0.01, y / 60.0);
            int g = (int) Math.max(0, Math.min(255, Math.round(v * 255)));
            img.setRGB(x, y, (g << 16) | (g << 8) | g);
        }
        ImageIO.write(img, "png", file.toFile());
    }

    long seed() { return seed; }

    private static double[] sub(double[] a, double[] b) { return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] norm(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }
}
