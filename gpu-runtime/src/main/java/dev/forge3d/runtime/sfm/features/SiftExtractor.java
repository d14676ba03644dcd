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
        sift.detect(img);
        int n = sift.getNumberOfFeatures();
        int dim = sift.createDescription().size();
        double[] xs = new double[n], ys = new double[n];
        float[] desc = new float[n * dim];
        for (int i = 0; i < n; i++) {
            Point2D_F64 p = sift.getLocation(i);
            // BoofCV puts pixel centres at integers; shift to centres at +0.5, then scale to full resolution.
            xs[i] = (p.x + 0.5) * scaleX;
            ys[i] = (p.y + 0.5) * scaleY;
            double[] d = sift.getDescription(i).data;
            double l1 = 0;
            for (double v : d) l1 += Math.abs(v);
            if (l1 <= 0) l1 = 1;
            for (int k = 0; k < dim; k++) desc[i * dim + k] = (float) Math.sqrt(Math.abs(d[k]) / l1);
        }
        return new ImageFeatures(xs, ys, desc, dim);
    }
}
