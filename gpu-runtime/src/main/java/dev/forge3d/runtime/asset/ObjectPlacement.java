package dev.forge3d.runtime.asset;

/**
 * Where the photographed object stands, as {@link ObjectLocator} found it.
 *
 * @param found            whether an object was located; when false, {@code reason} says why and the asset keeps
 *                         the whole scene
 * @param reason           why no object was located (null when found)
 * @param uprightFromScene rigid map from the reconstruction's frame to an upright frame: +Y up, the object's foot
 *                         (or the point the cameras converge on, without a support plane) at the origin, +Z towards
 *                         the first photo
 * @param upSource         {@code support-plane} or {@code cameras}: what the up direction came from
 * @param hasFloor         whether a support plane was found (then it is y = 0 in the upright frame)
 * @param floorRms         RMS distance of the plane's inlier points to it (scene units), 0 without a plane
 * @param floorInliers     points on the plane
 * @param searchMin        lower corner of the region searched for the object, upright frame
 * @param searchMax        upper corner of that region
 * @param cameraDistance   median distance of the cameras from the convergence point (scene units)
 */
public record ObjectPlacement(boolean found, String reason, Similarity uprightFromScene, String upSource,
                              boolean hasFloor, double floorRms, int floorInliers,
                              double[] searchMin, double[] searchMax, double cameraDistance) {

    /** The same placement in a corrected upright frame. */
    ObjectPlacement withUpright(Similarity upright) {
        return new ObjectPlacement(found, reason, upright, upSource, hasFloor, floorRms, floorInliers, searchMin, searchMax,
                cameraDistance);
    }

    /**
     * The same placement standing on a support found afterwards (levelled {@code upright}: the support is y = 0 under
     * the object), the search region reaching from the support up to twice its half-width.
     */
    ObjectPlacement onSupport(Similarity upright, String source, double rms, int inliers) {
        double r = searchMax[0];
        return new ObjectPlacement(found, reason, upright, source, true, rms, inliers, new double[] {-r, 0, -r},
                new double[] {r, 2 * r, r}, cameraDistance);
    }

    static ObjectPlacement notFound(String reason) {
        return new ObjectPlacement(false, reason, Similarity.identity(), "none", false, 0, 0, null, null, Double.NaN);
    }
}
