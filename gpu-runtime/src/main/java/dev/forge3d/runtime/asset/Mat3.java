package dev.forge3d.runtime.asset;

/** The few 3x3 operations the asset stages need (row-major {@code double[9]}). */
final class Mat3 {

    private Mat3() { }

    static double dot(double[] a, double[] b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    static double[] normalized(double[] a) {
        double n = norm(a);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }

    static double[] sub(double[] a, double[] b) { return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

    static double[] scaled(double[] a, double s) { return new double[] {a[0] * s, a[1] * s, a[2] * s}; }

    /** Solves {@code m x = b} by Cramer's rule; null when {@code m} is (numerically) singular. */
    static double[] solve(double[] m, double[] b) {
        double det = det(m);
        double scale = Math.abs(m[0]) + Math.abs(m[4]) + Math.abs(m[8]);
        if (Math.abs(det) < 1e-12 * scale * scale * scale || scale == 0) return null;
        double[] x = new double[3];
        for (int c = 0; c < 3; c++) {
            double[] mc = m.clone();
            for (int r = 0; r < 3; r++) mc[3 * r + c] = b[r];
            x[c] = det(mc) / det;
        }
        return x;
    }

    static double det(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    /**
     * Eigen-decomposition of a symmetric matrix by Jacobi rotations: eigenvalues ascending in {@code values},
     * the matching unit eigenvectors as the rows of the returned array.
     */
    static double[][] symmetricEigen(double[] sym, double[] values) {
        double[][] a = {{sym[0], sym[1], sym[2]}, {sym[3], sym[4], sym[5]}, {sym[6], sym[7], sym[8]}};
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            if (off < 1e-30) break;
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < 3; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = {0, 1, 2};
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[x][x], a[y][y]));
        double[][] vectors = new double[3][];
        for (int i = 0; i < 3; i++) {
            int k = order[i];
            values[i] = a[k][k];
            vectors[i] = new double[] {v[0][k], v[1][k], v[2][k]};
        }
        return vectors;
    }
}
