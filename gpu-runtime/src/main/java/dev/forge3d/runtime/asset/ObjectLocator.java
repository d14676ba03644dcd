package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.CameraFocus;
import dev.forge3d.runtime.splat.GaussianModel;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finds the object an object-centric capture is about: the point the cameras' optical axes converge on, the
 * support plane under it (RANSAC over the opaque Gaussians' centres, its normal within 35 degrees of the cameras'
 * mean up direction, every camera above it), and from them an upright frame. A capture that does not look at one
 * place (a facade, a room, photos from one spot) yields {@link ObjectPlacement#notFound} with the reason.
 */
public final class ObjectLocator {

    /** Cameras must see the convergence point in front of them at least this often. */
    private static final double MIN_FACING = 0.8;
    /** The smallest eigenvalue of sum(I - d d^T)/n: about sin^2 of the viewing directions' spread. */
    private static final double MIN_SPREAD = 0.03;
    private static final double MAX_PLANE_TILT_DEG = 35;
    private static final int RANSAC_ROUNDS = 400;
    /** Enough to draw three inliers at 12 % with 99.9 % probability (ten times the rounds, at most 0.3 s). */
    private static final int MORE_RANSAC_ROUNDS = 4000;

    private ObjectLocator() { }

    public static ObjectPlacement locate(GaussianModel model, List<Camera> cameras) {
        return locate(model, cameras, null);
    }

    /**
     * @param objectHull the hull of the photos' object masks, or null: a support is never part of the object, so the
     *                   Gaussians inside it are left out of the support-plane search (where training saw the masked
     *                   photos there is no table left, and a flat part of the object must not be taken for one)
     */
    static ObjectPlacement locate(GaussianModel model, List<Camera> cameras, SilhouetteHull objectHull) {
        int n = cameras.size();
        if (n < 3) return ObjectPlacement.notFound("fewer than 3 cameras");
        double[][] centres = new double[n][];
        double[] upSum = new double[3], a = new double[9];
        for (int i = 0; i < n; i++) {
            double[] r = cameras.get(i).pose().r();
            centres[i] = cameras.get(i).pose().centre();
            for (int k = 0; k < 3; k++) upSum[k] -= r[3 + k];
            for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) a[3 * p + q] += (p == q ? 1 : 0) - r[6 + p] * r[6 + q];
        }
        double[] ev = new double[3];
        Mat3.symmetricEigen(a, ev);
        if (ev[0] / n < MIN_SPREAD) {
            return ObjectPlacement.notFound("the cameras do not look at one place from different directions "
                    + "(viewing directions spread too little to locate an object)");
        }
        CameraFocus cf = CameraFocus.of(cameras);
        if (cf == null) return ObjectPlacement.notFound("the cameras' viewing rays do not converge");
        if (cf.facing() < MIN_FACING) {
            return ObjectPlacement.notFound("the point the cameras converge on lies behind "
                    + Math.round((1 - cf.facing()) * n) + " of " + n + " cameras");
        }
        double[] focus = cf.point();
        double camDist = cf.medianDistance();
        double[] camUp = Mat3.norm(upSum) > 0.3 * n ? Mat3.normalized(upSum) : null;

        Plane floor = camUp == null ? null : supportPlane(model, focus, camDist, camUp, centres, objectHull);
        double[] up;
        double[] origin;
        String upSource;
        if (floor != null) {
            up = floor.normal;
            double h = Mat3.dot(Mat3.sub(focus, floor.point), up);
            origin = Mat3.sub(focus, Mat3.scaled(up, h));
            upSource = "support-plane";
        } else if (camUp != null) {
            up = camUp;
            origin = focus;
            upSource = "cameras";
        } else {
            return ObjectPlacement.notFound("no support plane under the object and the photos disagree on which way is up");
        }
        double[] toFirst = Mat3.sub(centres[0], origin);
        double[] fwd = Mat3.sub(toFirst, Mat3.scaled(up, Mat3.dot(toFirst, up)));
        if (Mat3.norm(fwd) < 1e-9 * camDist) fwd = Math.abs(up[0]) < 0.9 ? new double[] {1, 0, 0} : new double[] {0, 1, 0};
        fwd = Mat3.normalized(Mat3.sub(fwd, Mat3.scaled(up, Mat3.dot(fwd, up))));
        double[] right = Mat3.cross(up, fwd);
        Similarity rot = Similarity.rotationToAxes(right, up, fwd);
        double[] ro = rot.rotate(origin);
        Similarity upright = new Similarity(1, rot.r(), new double[] {-ro[0], -ro[1], -ro[2]});

        // The object lies well inside the orbit: half the median horizontal camera distance around the axis.
        double[] horiz = new double[n];
        double top = 0;
        for (int i = 0; i < n; i++) {
            double[] c = upright.apply(centres[i]);
            horiz[i] = Math.hypot(c[0], c[2]);
            top = Math.max(top, c[1]);
        }
        double radius = 0.5 * Math.max(median(horiz), 0.25 * camDist);
        double[] min, max;
        if (floor != null) {
            min = new double[] {-radius, 0, -radius};
            max = new double[] {radius, Math.min(2 * radius, Math.max(top, radius)), radius};
        } else {
            min = new double[] {-radius, -radius, -radius};
            max = new double[] {radius, radius, radius};
        }
        return new ObjectPlacement(true, null, upright, upSource, floor != null,
                floor == null ? 0 : floor.rms, floor == null ? 0 : floor.inliers, min, max, camDist);
    }

    record Plane(double[] point, double[] normal, double rms, int inliers) { }

    /** RANSAC over the opaque Gaussians near the convergence point, then a least-squares refit on the inliers. */
    static Plane supportPlane(GaussianModel model, double[] focus, double camDist, double[] camUp, double[][] cams,
                              SilhouetteHull objectHull) {
        float[] pos = model.positions(), logits = model.opacityLogits();
        double reach = camDist;
        int count = 0;
        float[] pts = new float[3 * Math.min(model.size(), 60_000)];
        SplittableRandom rnd = new SplittableRandom(7);
        int seen = 0;
        for (int i = 0; i < model.size(); i++) {
            if (logits[i] < 0) continue; // opacity < 0.5
            double dx = pos[3 * i] - focus[0], dy = pos[3 * i + 1] - focus[1], dz = pos[3 * i + 2] - focus[2];
            if (dx * dx + dy * dy + dz * dz > reach * reach) continue;
            if (objectHull != null && objectHull.value(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]) > 0) continue;
            seen++;
            int slot = count < pts.length / 3 ? count++ : rnd.nextInt(seen); // reservoir sample
            if (slot < pts.length / 3) { pts[3 * slot] = pos[3 * i]; pts[3 * slot + 1] = pos[3 * i + 1]; pts[3 * slot + 2] = pos[3 * i + 2]; }
        }
        if (count < 100) return null;
        double eps = 0.004 * camDist, cosTilt = Math.cos(Math.toRadians(MAX_PLANE_TILT_DEG));
        int bestInliers = 0;
        double[] bestN = null, bestP = null;
        // Up to RANSAC_ROUNDS while the support plane is found; when it is not, up to MORE_RANSAC_ROUNDS (a splat trained
        // with flattening draws the table with many thin translucent discs, fewer of the opaque centres lie on it).
        for (int round = 0; round < MORE_RANSAC_ROUNDS && (round < RANSAC_ROUNDS || bestInliers < Math.max(50, 0.05 * count)); round++) {
            int i = rnd.nextInt(count), j = rnd.nextInt(count), k = rnd.nextInt(count);
            double[] p0 = point(pts, i), nrm = Mat3.cross(Mat3.sub(point(pts, j), p0), Mat3.sub(point(pts, k), p0));
            if (Mat3.norm(nrm) < 1e-12) continue;
            nrm = Mat3.normalized(nrm);
            if (Mat3.dot(nrm, camUp) < 0) nrm = Mat3.scaled(nrm, -1);
            if (Mat3.dot(nrm, camUp) < cosTilt) continue;
            if (Mat3.dot(Mat3.sub(focus, p0), nrm) <= 0) continue; // the object stands above its support
            int in = 0;
            for (int q = 0; q < count; q++) {
                double d = (pts[3 * q] - p0[0]) * nrm[0] + (pts[3 * q + 1] - p0[1]) * nrm[1] + (pts[3 * q + 2] - p0[2]) * nrm[2];
                if (Math.abs(d) < eps) in++;
            }
            if (in > bestInliers) { bestInliers = in; bestN = nrm; bestP = p0; }
        }
        if (bestN == null || bestInliers < Math.max(50, 0.05 * count)) return null;
        // Least-squares refit: centroid and the smallest principal axis of the inliers.
        for (int iter = 0; iter < 2; iter++) {
            double[] c = new double[3];
            int m = 0;
            for (int q = 0; q < count; q++) {
                if (Math.abs(Mat3.dot(Mat3.sub(point(pts, q), bestP), bestN)) >= eps) continue;
                for (int k = 0; k < 3; k++) c[k] += pts[3 * q + k];
                m++;
            }
            for (int k = 0; k < 3; k++) c[k] /= m;
            double[] cov = new double[9];
            for (int q = 0; q < count; q++) {
                double[] d = Mat3.sub(point(pts, q), c);
                if (Math.abs(Mat3.dot(Mat3.sub(point(pts, q), bestP), bestN)) >= eps) continue;
                for (int r = 0; r < 3; r++) for (int s = 0; s < 3; s++) cov[3 * r + s] += d[r] * d[s];
            }
            double[] ev = new double[3];
            double[] nrm = Mat3.symmetricEigen(cov, ev)[0];
            if (Mat3.dot(nrm, bestN) < 0) nrm = Mat3.scaled(nrm, -1);
            bestN = Mat3.normalized(nrm);
            bestP = c;
        }
        double ss = 0;
        int m = 0;
        for (int q = 0; q < count; q++) {
            double d = Mat3.dot(Mat3.sub(point(pts, q), bestP), bestN);
            if (Math.abs(d) < eps) { ss += d * d; m++; }
        }
        for (double[] c : cams) if (Mat3.dot(Mat3.sub(c, bestP), bestN) <= 0) return null; // a camera under the table: not a support
        if (Mat3.dot(Mat3.sub(focus, bestP), bestN) <= 0) return null;
        return new Plane(bestP, bestN, Math.sqrt(ss / Math.max(1, m)), m);
    }

    private static double[] point(float[] pts, int i) { return new double[] {pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]}; }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
