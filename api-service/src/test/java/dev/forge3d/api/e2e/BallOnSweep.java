package dev.forge3d.api.e2e;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Product photos on a white paper sweep, drawn: a red ball (radius 0.8 at the origin) seen from {@code n} cameras on
 * a ring (distance 4, 25 degrees above it), each photo the ball's disc, shaded, on a backdrop that darkens towards
 * the top, with grain; posed by a NeRF-synthetic {@code transforms.json}. A ball looks the same from everywhere, so
 * the photos agree with their poses.
 */
final class BallOnSweep {

    static final double RADIUS = 0.8, DISTANCE = 4, ELEVATION_DEG = 25, FOV = 0.7;

    private BallOnSweep() { }

    /** The zip's entries: {@code transforms.json} and {@code train/ball_NN.png}. */
    static Map<String, byte[]> zipEntries(int n, int size) throws IOException {
        Map<String, byte[]> zip = new LinkedHashMap<>();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "{\"camera_angle_x\": %.10f, \"frames\": [", FOV));
        double el = Math.toRadians(ELEVATION_DEG);
        for (int i = 0; i < n; i++) {
            double az = 2 * Math.PI * i / n;
            double[] c = {DISTANCE * Math.cos(el) * Math.cos(az), DISTANCE * Math.cos(el) * Math.sin(az), DISTANCE * Math.sin(el)};
            double[] back = normalized(c); // the camera looks down -Z (OpenGL): back points away from the ball
            double[] right = normalized(cross(new double[] {0, 0, 1}, back));
            double[] up = cross(back, right);
            if (i > 0) t.append(',');
            t.append(String.format(Locale.ROOT, "{\"file_path\": \"./train/ball_%02d\", \"transform_matrix\": "
                            + "[[%f, %f, %f, %f], [%f, %f, %f, %f], [%f, %f, %f, %f], [0, 0, 0, 1]]}", i,
                    right[0], up[0], back[0], c[0], right[1], up[1], back[1], c[1], right[2], up[2], back[2], c[2]));
            zip.put(String.format(Locale.ROOT, "train/ball_%02d.png", i), photo(size, i));
        }
        zip.put("transforms.json", t.append("]}").toString().getBytes());
        return zip;
    }

    private static byte[] photo(int size, long seed) throws IOException {
        double f = 0.5 * size / Math.tan(FOV / 2);
        double discRadius = f * RADIUS / Math.sqrt(DISTANCE * DISTANCE - RADIUS * RADIUS);
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = (x + 0.5 - size / 2.0) / discRadius, dy = (y + 0.5 - size / 2.0) / discRadius;
                double r2 = dx * dx + dy * dy;
                double[] c;
                if (r2 <= 1) {
                    double shade = 0.55 + 0.45 * Math.sqrt(1 - r2) - 0.15 * dy;
                    c = new double[] {230 * shade, 60 * shade, 50 * shade};
                } else {
                    double v = 200 + 40.0 * y / size;
                    c = new double[] {v, v, v - 3};
                }
                int r = clamp(c[0] + 3 * rnd.nextGaussian()), g = clamp(c[1] + 3 * rnd.nextGaussian()),
                        b = clamp(c[2] + 3 * rnd.nextGaussian());
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] normalized(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }
}
