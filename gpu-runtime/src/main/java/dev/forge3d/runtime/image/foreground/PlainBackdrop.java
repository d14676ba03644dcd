package dev.forge3d.runtime.image.foreground;

import dev.forge3d.runtime.image.ingest.AreaResampler;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;

/**
 * The object of a product photo taken on a plain backdrop (a paper sweep, a light box, a plain wall), found without
 * help: the backdrop is a smooth colour field, so a low-order polynomial per colour channel, fitted robustly to the
 * photo's border and then to every pixel that agrees with it, predicts it everywhere; what departs from it by more
 * than the backdrop's own noise is the object. A photo whose border is not such a field (a textured table, a room)
 * is reported as not plain, and nothing is estimated for it.
 *
 * <p>What reaches the photo's frame is taken as backdrop too (a sweep's far edge, a horizon band) and the backdrop is
 * then modelled cell by cell, which follows such bands.
 *
 * <p>What it errs towards: holes in the object (a mug's handle, a dark sole on a dark sweep) are filled, because the
 * masks carve the mesh's volume and a mask that misses a part of the object cuts it away, while one that is too large
 * in one view is corrected by the others. It adds no margin of its own ({@link Options#marginPx} 0): the smoothing
 * against grain already moves a high-contrast edge out by about a pixel, and jobs grow every mask by
 * {@code ObjectMasks.MARGIN_PX}. Shadows (and reflections) next to the object count as object; the mesh step finds
 * the floor a shadow shows inside the masks and stands the object on it. The defaults were chosen on the TUNE product
 * scenes (docs/product-scenes.md, "Masks estimated on plain backdrops").
 */
public final class PlainBackdrop {

    private PlainBackdrop() { }

    /**
     * @param workSide       the photo is segmented at this longest side (area-downscaled; smaller photos as they are)
     * @param thresholdNoise a pixel is the object where it departs from the backdrop by more than this many times the
     *                       backdrop's noise (its residual's robust scale on the border)...
     * @param minThreshold   ... and by at least this much (0..255 units, Euclidean over R, G, B)
     * @param maxNoise       a border whose robust residual scale is above this (0..255 units) is not a plain backdrop
     * @param maxBorderObject a border with more than this share of object pixels is not a plain backdrop (the object
     *                       is cut by the frame, or the border shows a table or a room)
     * @param marginPx       the object is grown by this many pixels of the working size
     */
    public record Options(int workSide, double thresholdNoise, double minThreshold, double maxNoise, double maxBorderObject,
                          int marginPx) {
        public static final Options DEFAULT = new Options(400, 3, 12, 8, 0.25, 0);
    }

    /**
     * @param plain        whether the photo shows a plain backdrop; when false, {@code reason} says why and
     *                     {@code object} is null
     * @param width        the working size the coverage is at
     * @param object       1 where the object is (0 elsewhere), row-major at the working size, holes filled
     * @param noise        the backdrop's robust residual scale on the border (0..255 units)
     * @param objectShare  the share of the photo the object covers
     * @param borderObject the share of the border ring that departs from the backdrop
     */
    public record Result(boolean plain, String reason, int width, int height, float[] object, double noise,
                         double objectShare, double borderObject) { }

    /** Polynomial degree of the backdrop fitted to the border alone, then to every backdrop pixel. */
    private static final int BORDER_DEGREE = 2, FULL_DEGREE = 3;
    /** The object must cover at least this share of the photo (less is noise, or nothing in front of the backdrop). */
    static final double MIN_OBJECT_SHARE = 0.002;
    /** ... and at most this share (more and there is too little backdrop to trust the fit). */
    static final double MAX_OBJECT_SHARE = 0.85;

    public static Result segment(BufferedImage photo, Options o) {
        int pw = photo.getWidth(), ph = photo.getHeight();
        double s = Math.min(1.0, (double) o.workSide() / Math.max(pw, ph));
        int w = Math.max(8, (int) Math.round(pw * s)), h = Math.max(8, (int) Math.round(ph * s));
        BufferedImage small = AreaResampler.downscale(photo, w, h);
        int n = w * h;
        int[] argb = small.getRGB(0, 0, w, h, null, 0, w);
        float[][] rgb = new float[3][n];
        for (int i = 0; i < n; i++) {
            rgb[0][i] = (argb[i] >> 16) & 255;
            rgb[1][i] = (argb[i] >> 8) & 255;
            rgb[2][i] = argb[i] & 255;
        }
        // Sensor (or render) grain would otherwise set the threshold: smoothed, the backdrop's residual is its shading
        // error, while the object's edges move by under a pixel (and the mask is grown by more than that).
        for (int pass = 0; pass < SMOOTHING_PASSES; pass++) for (float[] c : rgb) smooth(c, w, h);
        int ring = Math.max(2, (int) Math.round(0.02 * Math.min(w, h)));
        boolean[] border = new boolean[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x < ring || y < ring || x >= w - ring || y >= h - ring) border[y * w + x] = true;
            }
        }
        // The backdrop from the border alone, robustly: trimmed refits drop what the object or a prop puts there.
        boolean[] fitSet = border.clone();
        double[][] model = null;
        float[] residual = new float[n];
        double noise = 0;
        for (int round = 0; round < 5; round++) {
            model = fit(rgb, fitSet, w, h, BORDER_DEGREE);
            residuals(rgb, model, w, h, BORDER_DEGREE, residual);
            noise = robustScale(residual, fitSet);
            double keep = Math.max(2.5 * noise, 1.5);
            for (int i = 0; i < n; i++) fitSet[i] = border[i] && residual[i] <= keep;
        }
        double threshold = Math.max(o.thresholdNoise() * noise, o.minThreshold());
        int ringPixels = 0, ringObject = 0;
        for (int i = 0; i < n; i++) {
            if (!border[i]) continue;
            ringPixels++;
            if (residual[i] > threshold) ringObject++;
        }
        double borderObject = (double) ringObject / ringPixels;
        if (noise > o.maxNoise()) {
            return notPlain(String.format(Locale.ROOT, "the border is not a plain backdrop (it varies by %.1f levels "
                    + "where a plain one varies by at most %.1f)", noise, o.maxNoise()), w, h, noise, borderObject);
        }
        if (borderObject > o.maxBorderObject()) {
            return notPlain(String.format(Locale.ROOT, "%.0f %% of the border departs from the backdrop (the object is "
                    + "cut by the frame, or something else is in view)", 100 * borderObject), w, h, noise, borderObject);
        }
        // The backdrop everywhere it agrees with the border's, refitted to all of it (a sweep's curve, its shading).
        boolean[] backdrop = new boolean[n];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) backdrop[i] = residual[i] <= threshold;
            model = fit(rgb, backdrop, w, h, FULL_DEGREE);
            residuals(rgb, model, w, h, FULL_DEGREE, residual);
        }
        boolean[] object = new boolean[n];
        for (int i = 0; i < n; i++) object[i] = residual[i] > threshold;
        object = open(object, w, h);
        // What reaches the frame is the backdrop's own (a sweep's far edge, its horizon, a light's falloff): the
        // object stands inside the photo (the border check above). A polynomial cannot follow such a band, so the
        // backdrop is modelled once more, locally: the median of each cell's backdrop pixels, those bands included.
        boolean[] inside = withoutFrameParts(object, w, h);
        for (int i = 0; i < n; i++) backdrop[i] = !inside[i] && residual[i] <= FRAME_PART_LIMIT * threshold;
        if (!cellBackdrop(rgb, backdrop, w, h, residual)) {
            return notPlain("too little backdrop around the object", w, h, noise, borderObject);
        }
        for (int i = 0; i < n; i++) object[i] = residual[i] > threshold;
        object = open(object, w, h);
        inside = withoutFrameParts(object, w, h);
        if (largestPart(inside, w, h) < largestPart(object, w, h)) {
            return notPlain("the object reaches the edge of the photo (it must stand inside the frame, with backdrop "
                    + "all around it)", w, h, noise, borderObject);
        }
        object = largestParts(inside, w, h);
        object = fillHoles(object, w, h);
        object = dilate(object, w, h, o.marginPx());
        int count = 0;
        for (boolean b : object) if (b) count++;
        double share = (double) count / n;
        if (share < MIN_OBJECT_SHARE) {
            return notPlain("no object stands out from the backdrop", w, h, noise, borderObject);
        }
        if (share > MAX_OBJECT_SHARE) {
            return notPlain(String.format(Locale.ROOT, "the object fills %.0f %% of the photo: too little backdrop",
                    100 * share), w, h, noise, borderObject);
        }
        float[] cover = new float[n];
        for (int i = 0; i < n; i++) cover[i] = object[i] ? 1 : 0;
        return new Result(true, "", w, h, cover, noise, share, borderObject);
    }

    /** The result's object as a grey mask (255 = object) at {@code width x height}, by bilinear upsampling. */
    public static BufferedImage mask(Result r, int width, int height) {
        if (!r.plain()) throw new IllegalArgumentException("no mask for a photo without a plain backdrop: " + r.reason());
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        double sx = (double) r.width() / width, sy = (double) r.height() / height;
        int w = r.width(), h = r.height();
        float[] c = r.object();
        for (int y = 0; y < height; y++) {
            double fy = Math.min(h - 1.0, Math.max(0, (y + 0.5) * sy - 0.5));
            int y0 = (int) fy, y1 = Math.min(h - 1, y0 + 1);
            double ty = fy - y0;
            for (int x = 0; x < width; x++) {
                double fx = Math.min(w - 1.0, Math.max(0, (x + 0.5) * sx - 0.5));
                int x0 = (int) fx, x1 = Math.min(w - 1, x0 + 1);
                double tx = fx - x0;
                double v = (1 - ty) * ((1 - tx) * c[y0 * w + x0] + tx * c[y0 * w + x1])
                        + ty * ((1 - tx) * c[y1 * w + x0] + tx * c[y1 * w + x1]);
                px[y * width + x] = (byte) Math.round(255 * v);
            }
        }
        return out;
    }

    private static Result notPlain(String reason, int w, int h, double noise, double borderObject) {
        return new Result(false, reason, w, h, null, noise, 0, borderObject);
    }

    /**
     * Parts that reach the frame are taken as backdrop in the local model only where they depart from the polynomial
     * by at most this many thresholds: a band of shading does; an object cut by the frame departs by more.
     */
    static final double FRAME_PART_LIMIT = 4;
    /** Cells of the local backdrop model per shorter side. */
    static final int CELLS = 40;

    /**
     * The backdrop as the per-channel median of the {@code backdrop} pixels of each cell (cells with too few are
     * filled from their neighbours), interpolated bilinearly between cell centres; writes each pixel's distance from
     * it into {@code residual}. False when no cell has enough backdrop.
     */
    private static boolean cellBackdrop(float[][] rgb, boolean[] backdrop, int w, int h, float[] residual) {
        int cell = Math.max(4, Math.min(w, h) / CELLS);
        int gw = (w + cell - 1) / cell, gh = (h + cell - 1) / cell;
        float[][] grid = new float[3][gw * gh];
        boolean[] valid = new boolean[gw * gh];
        float[] values = new float[cell * cell];
        for (int gy = 0; gy < gh; gy++) {
            for (int gx = 0; gx < gw; gx++) {
                int x0 = gx * cell, y0 = gy * cell, x1 = Math.min(w, x0 + cell), y1 = Math.min(h, y0 + cell);
                int area = (x1 - x0) * (y1 - y0);
                for (int ch = 0; ch < 3; ch++) {
                    int k = 0;
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) if (backdrop[y * w + x]) values[k++] = rgb[ch][y * w + x];
                    }
                    if (k * 4 < area) break;
                    Arrays.sort(values, 0, k);
                    grid[ch][gy * gw + gx] = values[k / 2];
                    valid[gy * gw + gx] = true;
                }
            }
        }
        // Cells the object covers take the mean of their filled neighbours, ring by ring inwards.
        boolean any = false;
        for (boolean v : valid) any |= v;
        if (!any) return false;
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] next = valid.clone();
            for (int gy = 0; gy < gh; gy++) {
                for (int gx = 0; gx < gw; gx++) {
                    int c = gy * gw + gx;
                    if (valid[c]) continue;
                    float[] sum = new float[3];
                    int k = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int x = gx + dx, y = gy + dy;
                            if (x < 0 || y < 0 || x >= gw || y >= gh || !valid[y * gw + x]) continue;
                            for (int ch = 0; ch < 3; ch++) sum[ch] += grid[ch][y * gw + x];
                            k++;
                        }
                    }
                    if (k == 0) continue;
                    for (int ch = 0; ch < 3; ch++) grid[ch][c] = sum[ch] / k;
                    next[c] = true;
                    changed = true;
                }
            }
            valid = next;
        }
        for (int y = 0; y < h; y++) {
            double fy = Math.min(gh - 1.0, Math.max(0, (y + 0.5) / cell - 0.5));
            int y0 = (int) fy, y1 = Math.min(gh - 1, y0 + 1);
            double ty = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.min(gw - 1.0, Math.max(0, (x + 0.5) / cell - 0.5));
                int x0 = (int) fx, x1 = Math.min(gw - 1, x0 + 1);
                double tx = fx - x0;
                double sum = 0;
                for (int ch = 0; ch < 3; ch++) {
                    float[] g = grid[ch];
                    double m = (1 - ty) * ((1 - tx) * g[y0 * gw + x0] + tx * g[y0 * gw + x1])
                            + ty * ((1 - tx) * g[y1 * gw + x0] + tx * g[y1 * gw + x1]);
                    double d = rgb[ch][y * w + x] - m;
                    sum += d * d;
                }
                residual[y * w + x] = (float) Math.sqrt(sum);
            }
        }
        return true;
    }

    /** Passes of the [1 2 1] / 4 filter over the working image (two: a Gaussian of sigma about 1 pixel). */
    static final int SMOOTHING_PASSES = 2;

    /** One pass of the separable [1 2 1] / 4 filter, the edges repeated (no dark frame from zero padding). */
    private static void smooth(float[] c, int w, int h) {
        float[] t = new float[c.length];
        for (int y = 0; y < h; y++) {
            int o = y * w;
            for (int x = 0; x < w; x++) {
                float l = c[o + Math.max(0, x - 1)], r = c[o + Math.min(w - 1, x + 1)];
                t[o + x] = 0.25f * l + 0.5f * c[o + x] + 0.25f * r;
            }
        }
        for (int y = 0; y < h; y++) {
            int up = Math.max(0, y - 1) * w, dn = Math.min(h - 1, y + 1) * w, o = y * w;
            for (int x = 0; x < w; x++) c[o + x] = 0.25f * t[up + x] + 0.5f * t[o + x] + 0.25f * t[dn + x];
        }
    }

    /** Monomials x^i y^j, i + j <= degree, of coordinates scaled to [-1, 1]. */
    private static int terms(int degree) {
        return (degree + 1) * (degree + 2) / 2;
    }

    private static void basis(double x, double y, int degree, double[] out) {
        double[] px = new double[degree + 1], py = new double[degree + 1];
        px[0] = py[0] = 1;
        for (int i = 1; i <= degree; i++) {
            px[i] = px[i - 1] * x;
            py[i] = py[i - 1] * y;
        }
        int k = 0;
        for (int d = 0; d <= degree; d++) for (int i = d; i >= 0; i--) out[k++] = px[i] * py[d - i];
    }

    /** Least squares per channel over the pixels in {@code set}: coefficients [channel][term]. */
    private static double[][] fit(float[][] rgb, boolean[] set, int w, int h, int degree) {
        int t = terms(degree);
        DMatrixRMaj ata = new DMatrixRMaj(t, t);
        DMatrixRMaj atb = new DMatrixRMaj(t, 3);
        double[] b = new double[t];
        for (int y = 0; y < h; y++) {
            double v = 2.0 * (y + 0.5) / h - 1;
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!set[i]) continue;
                basis(2.0 * (x + 0.5) / w - 1, v, degree, b);
                for (int r = 0; r < t; r++) {
                    for (int c = r; c < t; c++) ata.data[r * t + c] += b[r] * b[c];
                    for (int ch = 0; ch < 3; ch++) atb.data[r * 3 + ch] += b[r] * rgb[ch][i];
                }
            }
        }
        for (int r = 0; r < t; r++) {
            for (int c = 0; c < r; c++) ata.data[r * t + c] = ata.data[c * t + r];
            ata.data[r * t + r] += 1e-6; // too few pixels for a term: keep the system solvable
        }
        DMatrixRMaj coef = new DMatrixRMaj(t, 3);
        if (!CommonOps_DDRM.solve(ata, atb, coef)) throw new IllegalStateException("backdrop fit failed");
        double[][] out = new double[3][t];
        for (int r = 0; r < t; r++) for (int ch = 0; ch < 3; ch++) out[ch][r] = coef.get(r, ch);
        return out;
    }

    /** Euclidean RGB distance of every pixel from the fitted backdrop. */
    private static void residuals(float[][] rgb, double[][] model, int w, int h, int degree, float[] out) {
        double[] b = new double[terms(degree)];
        for (int y = 0; y < h; y++) {
            double v = 2.0 * (y + 0.5) / h - 1;
            for (int x = 0; x < w; x++) {
                basis(2.0 * (x + 0.5) / w - 1, v, degree, b);
                int i = y * w + x;
                double sum = 0;
                for (int ch = 0; ch < 3; ch++) {
                    double p = 0;
                    for (int k = 0; k < b.length; k++) p += model[ch][k] * b[k];
                    double d = rgb[ch][i] - p;
                    sum += d * d;
                }
                out[i] = (float) Math.sqrt(sum);
            }
        }
    }

    /** 1.4826 x the median residual over {@code set}: the noise's scale, robust to the object's pixels. */
    private static double robustScale(float[] residual, boolean[] set) {
        int k = 0;
        float[] v = new float[residual.length];
        for (int i = 0; i < residual.length; i++) if (set[i]) v[k++] = residual[i];
        if (k == 0) return Double.POSITIVE_INFINITY;
        Arrays.sort(v, 0, k);
        return 1.4826 * v[k / 2];
    }

    /** Erosion then dilation by one pixel (3x3): single-pixel noise goes, the object keeps its shape. */
    private static boolean[] open(boolean[] m, int w, int h) {
        return dilate(erode(m, w, h), w, h, 1);
    }

    private static boolean[] erode(boolean[] m, int w, int h) {
        boolean[] out = new boolean[m.length];
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                boolean all = true;
                for (int dy = -1; dy <= 1 && all; dy++) for (int dx = -1; dx <= 1; dx++) all &= m[(y + dy) * w + x + dx];
                out[y * w + x] = all;
            }
        }
        return out;
    }

    /** Grown by {@code radius} pixels (a disc). */
    static boolean[] dilate(boolean[] m, int w, int h, int radius) {
        if (radius <= 0) return m.clone();
        boolean[] out = new boolean[m.length];
        int r2 = radius * radius;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!m[y * w + x]) continue;
                for (int dy = -radius; dy <= radius; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) continue;
                    for (int dx = -radius; dx <= radius; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < w && dx * dx + dy * dy <= r2) out[yy * w + xx] = true;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The object's connected parts (8-neighbours) that are at least a twentieth of the largest: specks of noise or
     * dust on the backdrop go, a product in two pieces (a cup and its saucer) stays.
     */
    private static boolean[] largestParts(boolean[] m, int w, int h) {
        int[] label = new int[m.length];
        int[] sizes = partSizes(m, w, h, label);
        int largest = 0;
        for (int s : sizes) largest = Math.max(largest, s);
        boolean[] out = new boolean[m.length];
        for (int i = 0; i < m.length; i++) out[i] = label[i] != 0 && sizes[label[i]] * 20 >= largest;
        return out;
    }

    /** Labels the connected parts (8-neighbours) from 1 into {@code label}; returns their sizes by label. */
    private static int[] partSizes(boolean[] m, int w, int h, int[] label) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        sizes.add(0);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < m.length; start++) {
            if (!m[start] || label[start] != 0) continue;
            int id = sizes.size();
            label[start] = id;
            queue.add(start);
            sizes.add(flood(m, w, h, label, id, queue));
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Gives label {@code id} to every pixel of {@code m} that the queued (already labelled) pixels reach through
     * 8-neighbours in {@code m}; returns how many pixels it went through, the queued ones included.
     */
    private static int flood(boolean[] m, int w, int h, int[] label, int id, ArrayDeque<Integer> queue) {
        int size = 0;
        while (!queue.isEmpty()) {
            int p = queue.poll();
            size++;
            int px = p % w, py = p / w;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int x = px + dx, y = py + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h) continue;
                    int q = y * w + x;
                    if (m[q] && label[q] == 0) {
                        label[q] = id;
                        queue.add(q);
                    }
                }
            }
        }
        return size;
    }

    /** Without the connected parts (8-neighbours) that touch the photo's edge. */
    private static boolean[] withoutFrameParts(boolean[] m, int w, int h) {
        int[] label = new int[m.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int p = 0; p < m.length; p++) {
            int x = p % w, y = p / w;
            if ((x == 0 || y == 0 || x == w - 1 || y == h - 1) && m[p]) {
                label[p] = 1;
                queue.add(p);
            }
        }
        flood(m, w, h, label, 1, queue);
        boolean[] out = new boolean[m.length];
        for (int p = 0; p < m.length; p++) out[p] = m[p] && label[p] == 0;
        return out;
    }

    /** The size of the largest connected part (8-neighbours). */
    private static int largestPart(boolean[] m, int w, int h) {
        int best = 0;
        for (int s : partSizes(m, w, h, new int[m.length])) best = Math.max(best, s);
        return best;
    }

    /** Everything the backdrop cannot reach from the photo's edge (4-neighbours) becomes object. */
    private static boolean[] fillHoles(boolean[] m, int w, int h) {
        boolean[] outside = new boolean[m.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int x = 0; x < w; x++) {
            seed(m, outside, queue, x);
            seed(m, outside, queue, (h - 1) * w + x);
        }
        for (int y = 0; y < h; y++) {
            seed(m, outside, queue, y * w);
            seed(m, outside, queue, y * w + w - 1);
        }
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int x = p % w, y = p / w;
            if (x > 0) seed(m, outside, queue, p - 1);
            if (x < w - 1) seed(m, outside, queue, p + 1);
            if (y > 0) seed(m, outside, queue, p - w);
            if (y < h - 1) seed(m, outside, queue, p + w);
        }
        boolean[] out = new boolean[m.length];
        for (int i = 0; i < m.length; i++) out[i] = !outside[i];
        return out;
    }

    private static void seed(boolean[] m, boolean[] outside, ArrayDeque<Integer> queue, int p) {
        if (m[p] || outside[p]) return;
        outside[p] = true;
        queue.add(p);
    }
}
