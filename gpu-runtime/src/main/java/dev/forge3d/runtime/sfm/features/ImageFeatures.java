package dev.forge3d.runtime.sfm.features;

/**
 * Keypoints of one image and their descriptors, largest scale first as {@link SiftExtractor} finds them (masks keep
 * the order).
 *
 * @param x           keypoint columns in full-resolution pixels (pixel centres at +0.5, COLMAP's convention)
 * @param y           keypoint rows, same convention
 * @param descriptors {@code size() * dimension} floats, each descriptor L2-normalised (RootSIFT)
 */
public record ImageFeatures(double[] x, double[] y, float[] descriptors, int dimension) {

    public int size() { return x.length; }
}
