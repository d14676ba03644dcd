package dev.forge3d.runtime.sfm.geometry;

/**
 * A geometrically verified image pair: the feature matches that agree with one epipolar geometry.
 *
 * @param matches     pairs {@code [kpA0, kpB0, kpA1, kpB1, ...]} of inlier matches
 * @param fundamental the fundamental matrix (row-major, {@code xB^T F xA = 0} in pixels) when the pair was verified
 *                    without intrinsics, else null
 * @param homographyInliers how many of the pair's matches (before epipolar verification) one homography explains
 *                    at the same threshold; -1 when not measured
 * @param homography  that homography fitted to its inliers (row-major, {@code xB ~ H xA} in pixels), or null
 */
public record TwoViewGeometry(int imageA, int imageB, int[] matches, double[] fundamental, int homographyInliers,
                              double[] homography) {

    /** A pair without a homography measurement (tests, callers that do not need the parallax test). */
    public TwoViewGeometry(int imageA, int imageB, int[] matches, double[] fundamental) {
        this(imageA, imageB, matches, fundamental, -1, null);
    }

    public int inliers() { return matches.length / 2; }

    /**
     * Homography inliers over epipolar inliers (COLMAP's H/E ratio). Near 1 the pair has no usable parallax: the
     * camera only turned (photos from one spot) or the matches lie on one plane; the epipolar geometry (and a
     * focal length derived from it) is then degenerate. NaN when not measured.
     */
    public double homographyRatio() {
        return homographyInliers < 0 || inliers() == 0 ? Double.NaN : (double) homographyInliers / inliers();
    }
}
