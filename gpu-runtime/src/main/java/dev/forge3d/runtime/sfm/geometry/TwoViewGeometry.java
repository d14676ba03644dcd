package dev.forge3d.runtime.sfm.geometry;

/**
 * A geometrically verified image pair: the feature matches that agree with one epipolar geometry.
 *
 * @param matches     pairs {@code [kpA0, kpB0, kpA1, kpB1, ...]} of inlier matches
 * @param fundamental the fundamental matrix (row-major, {@code xB^T F xA = 0} in pixels) when the pair was verified
 *                    without intrinsics, else null
 */
public record TwoViewGeometry(int imageA, int imageB, int[] matches, double[] fundamental) {

    public int inliers() { return matches.length / 2; }
}
