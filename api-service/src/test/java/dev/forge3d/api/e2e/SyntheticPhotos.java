package dev.forge3d.api.e2e;

import dev.forge3d.runtime.camera.Pose;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Photos the tests make themselves: a corner of a room (back wall, side wall, floor) covered in coloured
 * multi-octave noise, ray-cast from cameras on an arc with 2x2 supersampling. The texture gives SIFT plenty to match,
 * and the true cameras are known, so a {@code transforms.json} can be written for the posed variant.
 */
public final class SyntheticPhotos {

    final int width, height;
    final double focal;
    private final float[][] grids = new float[9][];
    private static final int GRID = 128;

    public SyntheticPhotos(int width, int height, long seed) {
        this.width = width;
        this.height = height;
        this.focal = 0.8125 * width;
        Random r = new Random(seed);
        for (int p = 0; p < grids.length; p++) {
            grids[p] = new float[GRID * GRID];
            for (int i = 0; i < grids[p].length; i++) grids[p][i] = r.nextFloat();
        }
    }

    /** Camera {@code i} of {@code n} on an arc in front of the walls, looking at the back wall. */
    static Pose camera(int i, int n) {
        double a = Math.toRadians(-18 + 36.0 * i / Math.max(1, n - 1));
        double[] c = {4.5 * Math.sin(a), -0.6 + 0.5 * (i % 3), 4.5 - 4.5 * Math.cos(a) + 0.4 * ((i / 3) % 2)};
        double[] target = {0, 0.3, 4.5};
        double[] z = norm(sub(target, c));
        double[] x = norm(cross(new double[] {0, 1, 0}, z));
        double[] y = cross(z, x);
        return Pose.fromCameraToWorld(new double[] {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]}, c);
    }

    /**
     * Frame {@code i} of {@code n} of a smooth walk along the same arc (what a video sees): no jumps between
     * neighbouring frames, a slow rise and fall of the camera for parallax in both directions.
     */
    BufferedImage walkFrame(int i, int n) {
        double t = (double) i / Math.max(1, n - 1);
        double a = Math.toRadians(-18 + 36.0 * t);
        double[] c = {4.5 * Math.sin(a), -0.6 + 0.5 * Math.sin(2 * Math.PI * t), 4.5 - 4.5 * Math.cos(a) + 0.2 * (1 - Math.cos(2 * Math.PI * t))};
        double[] target = {0, 0.3, 4.5};
        double[] z = norm(sub(target, c));
        double[] x = norm(cross(new double[] {0, 1, 0}, z));
        double[] y = cross(z, x);
        return render(Pose.fromCameraToWorld(new double[] {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]}, c));
    }

    /** View {@code i} of {@code n} as PNG bytes. */
    byte[] png(int i, int n) {
        BufferedImage img = render(camera(i, n));
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    BufferedImage render(Pose pose) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        double[] r = pose.rotation();
        double[] c = pose.centre();
        double cx = width / 2.0, cy = height / 2.0;
        double[] rgb = new double[3];
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                double sr = 0, sg = 0, sb = 0;
                for (int sy = 0; sy < 2; sy++) for (int sx = 0; sx < 2; sx++) {
                    double u = (px + 0.25 + 0.5 * sx - cx) / focal, v = (py + 0.25 + 0.5 * sy - cy) / focal;
                    double dx = r[0] * u + r[3] * v + r[6], dy = r[1] * u + r[4] * v + r[7], dz = r[2] * u + r[5] * v + r[8];
                    shade(c, dx, dy, dz, rgb);
                    sr += rgb[0]; sg += rgb[1]; sb += rgb[2];
                }
                img.setRGB(px, py, (channel(sr / 4) << 16) | (channel(sg / 4) << 8) | channel(sb / 4));
            }
        }
        return img;
    }

    private static int channel(double v) { return (int) Math.max(0, Math.min(255, Math.round(v * 255))); }

    private void shade(double[] c, double dx, double dy, double dz, double[] rgb) {
        double best = Double.POSITIVE_INFINITY;
        int plane = -1;
        double s = 0, t = 0;
        if (dz > 1e-9) { double k = (7 - c[2]) / dz; if (k > 0 && k < best) { best = k; plane = 0; s = c[0] + k * dx; t = c[1] + k * dy; } }
        if (dx < -1e-9) { double k = (-3.5 - c[0]) / dx; if (k > 0 && k < best) { best = k; plane = 1; s = c[2] + k * dz; t = c[1] + k * dy; } }
        if (dy > 1e-9) { double k = (1.6 - c[1]) / dy; if (k > 0 && k < best) { best = k; plane = 2; s = c[0] + k * dx; t = c[2] + k * dz; } }
        if (plane < 0) { rgb[0] = rgb[1] = rgb[2] = 0.5; return; }
        for (int ch = 0; ch < 3; ch++) rgb[ch] = tex(grids[3 * plane + ch], s, t);
    }

    private static double tex(float[] g, double s, double t) {
        double v = 0, amp = 0.5, freq = 1.5, total = 0;
        for (int o = 0; o < 4; o++) {
            v += amp * noise(g, s * freq + 17.3 * o, t * freq + 9.1 * o);
            total += amp;
            amp *= 0.6;
            freq *= 2.1;
        }
        return 0.5 + 1.8 * (v / total - 0.5);
    }

    private static double noise(float[] g, double s, double t) {
        s += GRID * 4; t += GRID * 4;
        int i = (int) Math.floor(s), j = (int) Math.floor(t);
        double fs = s - i, ft = t - j;
        fs = fs * fs * (3 - 2 * fs);
        ft = ft * ft * (3 - 2 * ft);
        double a = g[Math.floorMod(j, GRID) * GRID + Math.floorMod(i, GRID)], b = g[Math.floorMod(j, GRID) * GRID + Math.floorMod(i + 1, GRID)];
        double cc = g[Math.floorMod(j + 1, GRID) * GRID + Math.floorMod(i, GRID)], d = g[Math.floorMod(j + 1, GRID) * GRID + Math.floorMod(i + 1, GRID)];
        return (1 - ft) * ((1 - fs) * a + fs * b) + ft * ((1 - fs) * cc + fs * d);
    }

    /** Independent noise that matches nothing (an unrelated photo). */
    static byte[] noisePng(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SyntheticPhotos other = new SyntheticPhotos(w, h, seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int g = channel(tex(other.grids[0], x / 25.0 + r.nextDouble() * 0.01, y / 25.0));
            img.setRGB(x, y, (g << 16) | (g << 8) | g);
        }
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A NeRF-synthetic {@code transforms.json} for views {@code 0..n-1} named {@code view_NN.png}. */
    String transformsJson(int n) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"camera_angle_x\": %.10f, \"frames\": [", 2 * Math.atan(width / 2.0 / focal)));
        for (int i = 0; i < n; i++) {
            Pose p = camera(i, n);
            double[] r = p.rotation(); // world-to-camera, row-major
            double[] c = p.centre();
            // OpenGL camera-to-world: columns are the camera's x, -y, -z axes in world coordinates.
            double[][] m = {
                    {r[0], -r[3], -r[6], c[0]},
                    {r[1], -r[4], -r[7], c[1]},
                    {r[2], -r[5], -r[8], c[2]},
                    {0, 0, 0, 1}};
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT, "{\"file_path\": \"./train/%s\", \"transform_matrix\": [", name(i)));
            for (int row = 0; row < 4; row++) {
                if (row > 0) sb.append(',');
                sb.append(String.format(Locale.ROOT, "[%.10f, %.10f, %.10f, %.10f]", m[row][0], m[row][1], m[row][2], m[row][3]));
            }
            sb.append("]}");
        }
        return sb.append("]}").toString();
    }

    static String name(int i) {
        return String.format(Locale.ROOT, "view_%02d", i);
    }

    /** Views {@code 0..n-1} as file name -> PNG bytes. */
    public Map<String, byte[]> views(int n) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) m.put(name(i) + ".png", png(i, n));
        return m;
    }

    private static double[] sub(double[] a, double[] b) { return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] norm(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }
}
