package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import georegression.struct.se.Se3_F64;

import java.util.List;

/**
 * The reconstruction as it grows: which images are registered and their world-to-camera poses, a 3D point per
 * triangulated track, and which observations of each track are trusted (outliers are switched off).
 */
public final class SceneState {

    public final List<ImageFeatures> features;
    /** One lens per image; images sharing a camera share the same object. */
    public final List<LensModel> lenses;
    public final Tracks tracks;
    public final Se3_F64[] poses;
    public final boolean[] registered;
    /** {@code points[t]}: the 3D point of track t, or null. */
    public final double[][] points;
    /** {@code inlier[t][k]}: false once observation k of track t was rejected as an outlier. */
    public final boolean[][] inlier;

    public SceneState(List<ImageFeatures> features, List<LensModel> lenses, Tracks tracks) {
        this.features = features;
        this.lenses = lenses;
        this.tracks = tracks;
        int n = features.size();
        poses = new Se3_F64[n];
        registered = new boolean[n];
        points = new double[tracks.size()][];
        inlier = new boolean[tracks.size()][];
        for (int t = 0; t < tracks.size(); t++) {
            inlier[t] = new boolean[tracks.images[t].length];
            java.util.Arrays.fill(inlier[t], true);
        }
    }

    public int imageCount() { return features.size(); }

    public int registeredCount() {
        int c = 0;
        for (boolean r : registered) if (r) c++;
        return c;
    }

    public int pointCount() {
        int c = 0;
        for (double[] p : points) if (p != null) c++;
        return c;
    }

    /** True when observation k of track t takes part: its image is registered and it is not an outlier. */
    public boolean active(int t, int k) {
        return inlier[t][k] && registered[tracks.images[t][k]];
    }

    /** Pixel x of observation k of track t. */
    public double px(int t, int k) { return features.get(tracks.images[t][k]).x()[tracks.keypoints[t][k]]; }

    public double py(int t, int k) { return features.get(tracks.images[t][k]).y()[tracks.keypoints[t][k]]; }

    /** Squared reprojection error in pixels of point p in image i at pixel (x, y); infinite behind the camera. */
    public double reprojectionErrorSq(double[] p, int image, double x, double y) {
        Se3_F64 pose = poses[image];
        var r = pose.R;
        var tr = pose.T;
        double cx = r.data[0] * p[0] + r.data[1] * p[1] + r.data[2] * p[2] + tr.x;
        double cy = r.data[3] * p[0] + r.data[4] * p[1] + r.data[5] * p[2] + tr.y;
        double cz = r.data[6] * p[0] + r.data[7] * p[1] + r.data[8] * p[2] + tr.z;
        if (cz <= 1e-9) return Double.POSITIVE_INFINITY;
        double[] uv = new double[2];
        lenses.get(image).project(cx / cz, cy / cz, uv);
        double dx = uv[0] - x, dy = uv[1] - y;
        return dx * dx + dy * dy;
    }

    /** Camera centre of a registered image in world coordinates. */
    public double[] centre(int image) {
        Se3_F64 pose = poses[image];
        var r = pose.R.data;
        var t = pose.T;
        return new double[] {
            -(r[0] * t.x + r[3] * t.y + r[6] * t.z),
            -(r[1] * t.x + r[4] * t.y + r[7] * t.z),
            -(r[2] * t.x + r[5] * t.y + r[8] * t.z)};
    }
}
