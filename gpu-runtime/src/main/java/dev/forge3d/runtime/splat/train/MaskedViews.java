package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.dataset.View;

import java.util.List;

/**
 * Masked views (photos composited over a background with their object mask, {@link View#coverage()}) put behind
 * another background ({@link TrainConfig#maskedBackground}).
 */
final class MaskedViews {

    private MaskedViews() { }

    /** The share of a view's pixels that must be wholly covered for them to say what colour the object is. */
    static final float OBJECT_COVERAGE = 0.99f;
    /** The nearest tenth of the object's pixels decides how close a background is to it. */
    static final double NEAR_SHARE = 0.1;

    /**
     * White or black, whichever the object is further from: for each, the RGB distance (in [0, 1] units) that a tenth
     * of the wholly covered pixels of the masked views are nearer than (there the composite is the photo); the larger
     * wins (white on a tie). {@code fallback} when no view has a coverage.
     */
    public static float[] contrastingBackground(List<View> views, float[] fallback) {
        int bins = 256;
        long[] toWhite = new long[bins], toBlack = new long[bins];
        long n = 0;
        double maxDistance = Math.sqrt(3);
        for (View v : views) {
            float[] m = v.coverage();
            if (m == null) continue;
            float[] d = v.image().data();
            int plane = m.length;
            for (int p = 0; p < plane; p++) {
                if (m[p] < OBJECT_COVERAGE) continue;
                double r = d[p], g = d[plane + p], b = d[2 * plane + p];
                double w = Math.sqrt((1 - r) * (1 - r) + (1 - g) * (1 - g) + (1 - b) * (1 - b)) / maxDistance;
                double k = Math.sqrt(r * r + g * g + b * b) / maxDistance;
                toWhite[Math.min(bins - 1, (int) (w * bins))]++;
                toBlack[Math.min(bins - 1, (int) (k * bins))]++;
                n++;
            }
        }
        if (n == 0) return fallback.clone();
        return quantile(toBlack, n, NEAR_SHARE) > quantile(toWhite, n, NEAR_SHARE)
                ? new float[] {0, 0, 0} : new float[] {1, 1, 1};
    }

    private static int quantile(long[] histogram, long n, double q) {
        long want = (long) Math.ceil(q * n), seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= want) return i;
        }
        return histogram.length - 1;
    }

    /**
     * {@code image} (a photo composited over {@code from} with {@code coverage}) composited over {@code to} instead:
     * {@code photo * m + to * (1 - m) = image + (to - from) * (1 - m)}, planar RGB into {@code out}.
     */
    static void recomposite(float[] image, float[] coverage, float[] from, float[] to, float[] out) {
        int plane = coverage.length;
        for (int c = 0; c < 3; c++) {
            float shift = to[c] - from[c];
            int o = c * plane;
            for (int p = 0; p < plane; p++) out[o + p] = image[o + p] + shift * (1 - coverage[p]);
        }
    }
}
