package dev.forge3d.runtime.camera;

import java.util.Arrays;
import java.util.List;

/**
 * Where a set of cameras looks: the point nearest to all their optical axes in the least-squares sense (the solution
 * of {@code sum (I - d d^T) p = sum (I - d d^T) c}), and the median distance of the cameras from it.
 *
 * @param point          the convergence point
 * @param medianDistance median camera distance from it
 * @param facing         share of the cameras that have it in front of them
 */
public record CameraFocus(double[] point, double medianDistance, double facing) {

    /** The focus of the cameras, or null when their axes are (nearly) parallel and meet nowhere. */
    public static CameraFocus of(List<Camera> cameras) {
        double[] a = new double[9], b = new double[3];
        for (Camera cam : cameras) {
            double[] r = cam.pose().r(), c = cam.pose().centre();
            double[] d = {r[6], r[7], r[8]};
            for (int p = 0; p < 3; p++) {
                for (int q = 0; q < 3; q++) {
                    double m = (p == q ? 1 : 0) - d[p] * d[q];
                    a[3 * p + q] += m;
                    b[p] += m * c[q];
                }
            }
        }
        double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double n = cameras.size();
        if (n < 2 || Math.abs(det) < 1e-9 * n * n * n) return null;
        double[] p = new double[3];
        for (int col = 0; col < 3; col++) {
            double[] m = a.clone();
            for (int row = 0; row < 3; row++) m[3 * row + col] = b[row];
            p[col] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
        }
        double[] dist = new double[cameras.size()];
        int facing = 0;
        for (int i = 0; i < cameras.size(); i++) {
            double[] r = cameras.get(i).pose().r(), c = cameras.get(i).pose().centre();
            double dx = p[0] - c[0], dy = p[1] - c[1], dz = p[2] - c[2];
            dist[i] = Math.sqrt(dx * dx + dy * dy + dz * dz);
            if (dx * r[6] + dy * r[7] + dz * r[8] > 0) facing++;
        }
        Arrays.sort(dist);
        double median = dist.length % 2 == 1 ? dist[dist.length / 2] : 0.5 * (dist[dist.length / 2 - 1] + dist[dist.length / 2]);
        return new CameraFocus(p, median, facing / n);
    }
}
