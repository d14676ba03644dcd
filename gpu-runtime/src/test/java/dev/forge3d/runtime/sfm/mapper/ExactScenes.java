package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.se.Se3_F64;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Exact synthetic models (no images) for mapper tests: keypoints are the true projections of known points. */
final class ExactScenes {

    private ExactScenes() { }

    /**
     * {@code n} cameras on an arc of {@code arcDeg} degrees at radius 5 (radius 0: all at the origin, turning only),
     * looking at the origin region, and {@code points} points in a 2 m cube around (0, 0, 0) seen by every camera.
     */
    static SceneState scene(int width, int height, int n, double arcDeg, double radius, int points, double focal) {
        Random r = new Random(7);
        double[][] xyz = new double[points][];
        for (int p = 0; p < points; p++) xyz[p] = new double[] {2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1};
        LensModel lens = LensModel.unknown(width, height, focal);
        List<Se3_F64> poses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = Math.toRadians(-arcDeg / 2 + arcDeg * i / Math.max(1, n - 1));
            double[] c = radius == 0 ? new double[] {0, 0, -5} : new double[] {radius * Math.sin(a), 0, -radius * Math.cos(a)};
            // Turning-only cameras look in different directions from one spot; the others look at the origin.
            double[] z = radius == 0 ? new double[] {Math.sin(a), 0, Math.cos(a)} : new double[] {-c[0] / radius, 0, -c[2] / radius};
            double[] x = {z[2], 0, -z[0]}, y = {0, 1, 0};
            Se3_F64 pose = new Se3_F64();
            pose.R = new DMatrixRMaj(3, 3, true, x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
            pose.T.setTo(-(x[0] * c[0] + x[1] * c[1] + x[2] * c[2]), -(y[0] * c[0] + y[1] * c[1] + y[2] * c[2]),
                    -(z[0] * c[0] + z[1] * c[1] + z[2] * c[2]));
            poses.add(pose);
        }
        List<ImageFeatures> features = new ArrayList<>();
        List<LensModel> lenses = new ArrayList<>();
        double[] uv = new double[2];
        for (int i = 0; i < n; i++) {
            double[] px = new double[points], py = new double[points];
            Se3_F64 pose = poses.get(i);
            for (int p = 0; p < points; p++) {
                var d = pose.R.data;
                double[] q = xyz[p];
                double cx = d[0] * q[0] + d[1] * q[1] + d[2] * q[2] + pose.T.x;
                double cy = d[3] * q[0] + d[4] * q[1] + d[5] * q[2] + pose.T.y;
                double cz = d[6] * q[0] + d[7] * q[1] + d[8] * q[2] + pose.T.z;
                lens.project(cx / cz, cy / cz, uv);
                px[p] = uv[0];
                py[p] = uv[1];
            }
            features.add(new ImageFeatures(px, py, new float[0], 128));
            lenses.add(lens);
        }
        List<TwoViewGeometry> pairs = allPairs(n, points);
        Tracks tracks = Tracks.build(features.stream().mapToInt(ImageFeatures::size).toArray(), pairs);
        SceneState s = new SceneState(features, lenses, tracks);
        for (int i = 0; i < n; i++) { s.poses[i] = poses.get(i); s.registered[i] = true; }
        for (int t = 0; t < tracks.size(); t++) s.points[t] = xyz[tracks.keypoints[t][0]].clone();
        return s;
    }

    /** A camera on the circle of the given radius at angle a (radians) about y, looking at the origin. */
    static Se3_F64 lookingAtOrigin(double a, double radius) {
        double[] c = {radius * Math.sin(a), 0, -radius * Math.cos(a)};
        double[] z = {-c[0] / radius, 0, -c[2] / radius};
        double[] x = {z[2], 0, -z[0]}, y = {0, 1, 0};
        Se3_F64 pose = new Se3_F64();
        pose.R = new DMatrixRMaj(3, 3, true, x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
        pose.T.setTo(-(x[0] * c[0] + x[1] * c[1] + x[2] * c[2]), -(y[0] * c[0] + y[1] * c[1] + y[2] * c[2]),
                -(z[0] * c[0] + z[1] * c[1] + z[2] * c[2]));
        return pose;
    }

    /** Every photo pair, matching point p of one photo to point p of the other (keypoint index = point index). */
    static List<TwoViewGeometry> allPairs(int n, int points) {
        List<TwoViewGeometry> pairs = new ArrayList<>();
        for (int a = 0; a < n; a++) for (int b = a + 1; b < n; b++) {
            int[] m = new int[2 * points];
            for (int p = 0; p < points; p++) { m[2 * p] = p; m[2 * p + 1] = p; }
            pairs.add(new TwoViewGeometry(a, b, m, null));
        }
        return pairs;
    }

}
