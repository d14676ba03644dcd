package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.image.RgbImage;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Colours surface points from the photos that see them: each point is projected into every photo, kept where the
 * photo's depth map agrees that nothing stands in front of it, and the photos' colours are averaged with weights
 * that favour views facing the surface ({@code cos^4} of the angle between the normal and the view direction).
 * Colours stay display-encoded (sRGB), as in the photos.
 */
public final class PhotoColours {

    /**
     * A photo and the depth map rendered for its camera (the map may be smaller than the photo).
     *
     * @param coverage where the photo shows the object (its mask as coverage, the photo's size, row-major), or null
     */
    public record Source(Camera camera, RgbImage photo, DepthMaps.DepthMap depth, float[] coverage) {
        public Source(Camera camera, RgbImage photo, DepthMaps.DepthMap depth) { this(camera, photo, depth, null); }
    }

    /** A photo's pixels count as the object's where its coverage is at least this at all four bilinear neighbours. */
    static final float COVERED = 0.99f;

    private PhotoColours() { }

    /**
     * Each point's colour: the photos that see it (in front, within {@code tolerance} of their depth map), weighted by
     * the fourth power of the cosine between its normal and the view ray. Where photos have a coverage, only the
     * pixels wholly inside it count while any does: a masked photo holds the background it was composited over outside
     * its mask, and a point that projects there in one photo (a surface a little larger than the object) would take
     * that colour; a point that no such pixel sees takes what the others give.
     *
     * @param points    xyz triples in the scene frame
     * @param normals   unit normals, same layout
     * @param tolerance how far (scene units) a point may be behind the depth map's surface and still count as seen
     * @param fallback  colour for points no photo sees
     * @return rgb triples (display values 0..1)
     */
    public static float[] sample(float[] points, float[] normals, List<Source> sources, double tolerance, float[] fallback) {
        int n = points.length / 3;
        float[] out = new float[3 * n];
        double[][] centres = sources.stream().map(s -> s.camera().pose().centre()).toArray(double[][]::new);
        IntStream.range(0, n).parallel().forEach(v -> {
            double px = points[3 * v], py = points[3 * v + 1], pz = points[3 * v + 2];
            double sum = 0, r = 0, g = 0, b = 0;
            double sumOut = 0, rOut = 0, gOut = 0, bOut = 0;
            for (int si = 0; si < sources.size(); si++) {
                Source s = sources.get(si);
                double[] rt = s.camera().pose().r(), tt = s.camera().pose().t();
                double x = rt[0] * px + rt[1] * py + rt[2] * pz + tt[0];
                double y = rt[3] * px + rt[4] * py + rt[5] * pz + tt[1];
                double z = rt[6] * px + rt[7] * py + rt[8] * pz + tt[2];
                if (z <= 1e-9) continue;
                double[] c = centres[si];
                double vx = c[0] - px, vy = c[1] - py, vz = c[2] - pz, len = Math.sqrt(vx * vx + vy * vy + vz * vz);
                double cos = (vx * normals[3 * v] + vy * normals[3 * v + 1] + vz * normals[3 * v + 2]) / len;
                if (cos < 0.15) continue;
                var dk = s.depth().camera().intrinsics();
                float d = s.depth().at(dk.fx() * x / z + dk.cx(), dk.fy() * y / z + dk.cy());
                if (Float.isNaN(d) || z - d > tolerance + 0.01 * z) continue;
                var k = s.camera().intrinsics();
                double u = k.fx() * x / z + k.cx() - 0.5, w = k.fy() * y / z + k.cy() - 0.5;
                RgbImage img = s.photo();
                if (u < 0 || w < 0 || u > img.width() - 1 || w > img.height() - 1) continue;
                double weight = cos * cos * cos * cos;
                if (s.coverage() != null && !covered(s.coverage(), img.width(), img.height(), u, w)) {
                    sumOut += weight;
                    rOut += weight * bilinear(img, 0, u, w);
                    gOut += weight * bilinear(img, 1, u, w);
                    bOut += weight * bilinear(img, 2, u, w);
                    continue;
                }
                sum += weight;
                r += weight * bilinear(img, 0, u, w);
                g += weight * bilinear(img, 1, u, w);
                b += weight * bilinear(img, 2, u, w);
            }
            if (sum == 0) { sum = sumOut; r = rOut; g = gOut; b = bOut; }
            if (sum > 0) {
                out[3 * v] = (float) (r / sum); out[3 * v + 1] = (float) (g / sum); out[3 * v + 2] = (float) (b / sum);
            } else {
                out[3 * v] = fallback[0]; out[3 * v + 1] = fallback[1]; out[3 * v + 2] = fallback[2];
            }
        });
        return out;
    }

    /** Whether all four pixels {@link #bilinear} reads at (u, v) are wholly covered. */
    static boolean covered(float[] coverage, int width, int height, double u, double v) {
        int x0 = Math.max(0, Math.min((int) u, width - 2)), y0 = Math.max(0, Math.min((int) v, height - 2));
        int x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
        return coverage[y0 * width + x0] >= COVERED && coverage[y0 * width + x1] >= COVERED
                && coverage[y1 * width + x0] >= COVERED && coverage[y1 * width + x1] >= COVERED;
    }

    static float bilinear(RgbImage img, int ch, double u, double v) {
        int x0 = Math.min((int) u, img.width() - 2), y0 = Math.min((int) v, img.height() - 2);
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        double fx = u - x0, fy = v - y0;
        int x1 = Math.min(x0 + 1, img.width() - 1), y1 = Math.min(y0 + 1, img.height() - 1);
        return (float) ((1 - fy) * ((1 - fx) * img.get(ch, x0, y0) + fx * img.get(ch, x1, y0))
                + fy * ((1 - fx) * img.get(ch, x0, y1) + fx * img.get(ch, x1, y1)));
    }
}
