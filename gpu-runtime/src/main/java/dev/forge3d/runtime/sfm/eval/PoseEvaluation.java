package dev.forge3d.runtime.sfm.eval;

import dev.forge3d.runtime.camera.Pose;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares estimated camera poses with ground truth: the estimated centres are aligned to the true ones by the
 * least-squares similarity transform (Umeyama 1991); then per image the rotation error (degrees; both rotations
 * projected onto SO(3) and the angle taken with atan2 of the skew part, which stays exact near zero where arccos
 * of the trace does not) and the centre error as a fraction of the scene extent (the diagonal of the bounding
 * box of the true camera centres).
 */
public final class PoseEvaluation {

    /** Errors of one image. */
    public record ImageError(String name, double rotationDeg, double centreFraction) { }

    /** Per-image errors, medians, and images missing from the estimate. */
    public record Report(List<ImageError> images, List<String> missing, double medianRotationDeg,
                         double medianCentreFraction, double maxRotationDeg, double maxCentreFraction, double scale) { }

    private PoseEvaluation() { }

    public static Report evaluate(Map<String, Pose> estimated, Map<String, Pose> truth) {
        List<String> names = new ArrayList<>(), missing = new ArrayList<>();
        for (String n : new TreeMap<>(truth).keySet()) {
            if (estimated.containsKey(n)) names.add(n); else missing.add(n);
        }
        if (names.size() < 3) throw new IllegalArgumentException("need at least 3 images in both models to align, found " + names.size());
        int n = names.size();
        double[][] e = new double[n][], g = new double[n][];
        for (int i = 0; i < n; i++) {
            e[i] = estimated.get(names.get(i)).centre();
            g[i] = truth.get(names.get(i)).centre();
        }
        Similarity sim = umeyama(e, g);
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] c : g) for (int k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], c[k]); hi[k] = Math.max(hi[k], c[k]); }
        double extent = Math.sqrt(sq(hi[0] - lo[0]) + sq(hi[1] - lo[1]) + sq(hi[2] - lo[2]));
        List<ImageError> errors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] c = sim.apply(e[i]);
            double d = Math.sqrt(sq(c[0] - g[i][0]) + sq(c[1] - g[i][1]) + sq(c[2] - g[i][2]));
            // Estimated world-to-camera rotation expressed in the true world frame: R_est * R_align^T.
            double[] rEst = projectToSO3(estimated.get(names.get(i)).rotation());
            double[] rGt = projectToSO3(truth.get(names.get(i)).rotation());
            double[] rAligned = mul(rEst, transpose(sim.r));
            double angle = rotationAngleDeg(mul(rAligned, transpose(rGt)));
            errors.add(new ImageError(names.get(i), angle, d / extent));
        }
        double[] rot = errors.stream().mapToDouble(ImageError::rotationDeg).sorted().toArray();
        double[] cen = errors.stream().mapToDouble(ImageError::centreFraction).sorted().toArray();
        return new Report(errors, missing, median(rot), median(cen), rot[rot.length - 1], cen[cen.length - 1], sim.s);
    }

    /** {@code x -> s R x + t}. */
    public record Similarity(double s, double[] r, double[] t) {
        public double[] apply(double[] x) {
            return new double[] {
                s * (r[0] * x[0] + r[1] * x[1] + r[2] * x[2]) + t[0],
                s * (r[3] * x[0] + r[4] * x[1] + r[5] * x[2]) + t[1],
                s * (r[6] * x[0] + r[7] * x[1] + r[8] * x[2]) + t[2]};
        }
    }

    /** The similarity mapping {@code src} onto {@code dst} in the least-squares sense (Umeyama). */
    public static Similarity umeyama(double[][] src, double[][] dst) {
        int n = src.length;
        double[] ms = new double[3], md = new double[3];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) { ms[k] += src[i][k] / n; md[k] += dst[i][k] / n; }
        DMatrixRMaj cov = new DMatrixRMaj(3, 3);
        double varS = 0;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 3; a++) {
                varS += sq(src[i][a] - ms[a]) / n;
                for (int b = 0; b < 3; b++) cov.add(a, b, (dst[i][a] - md[a]) * (src[i][b] - ms[b]) / n);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(3, 3, true, true, false);
        if (!svd.decompose(cov.copy())) throw new IllegalStateException("SVD failed");
        DMatrixRMaj u = svd.getU(null, false), v = svd.getV(null, false);
        double[] d = svd.getSingularValues();
        DMatrixRMaj uvt = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.multTransB(u, v, uvt);
        double sign = CommonOps_DDRM.det(uvt) < 0 ? -1 : 1;
        // S = diag(1, 1, sign) applied to the smallest singular value's column.
        int smallest = 0;
        for (int k = 1; k < 3; k++) if (d[k] < d[smallest]) smallest = k;
        DMatrixRMaj sMat = CommonOps_DDRM.identity(3);
        sMat.set(smallest, smallest, sign);
        DMatrixRMaj tmp = new DMatrixRMaj(3, 3), r = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(u, sMat, tmp);
        CommonOps_DDRM.multTransB(tmp, v, r);
        double trace = 0;
        for (int k = 0; k < 3; k++) trace += d[k] * sMat.get(k, k);
        double s = trace / varS;
        double[] rr = r.data.clone();
        double[] t = new double[3];
        for (int a = 0; a < 3; a++) t[a] = md[a] - s * (rr[3 * a] * ms[0] + rr[3 * a + 1] * ms[1] + rr[3 * a + 2] * ms[2]);
        return new Similarity(s, rr, t);
    }

    /** The nearest rotation (Frobenius norm) to a 3x3 row-major matrix: {@code U V^T} with the sign fixed. */
    public static double[] projectToSO3(double[] m) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(3, 3, true, true, false);
        if (!svd.decompose(new DMatrixRMaj(3, 3, true, m))) throw new IllegalStateException("SVD failed");
        DMatrixRMaj u = svd.getU(null, false), v = svd.getV(null, false);
        DMatrixRMaj r = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.multTransB(u, v, r);
        if (CommonOps_DDRM.det(r) < 0) {
            double[] d = svd.getSingularValues();
            int smallest = 0;
            for (int k = 1; k < 3; k++) if (d[k] < d[smallest]) smallest = k;
            for (int row = 0; row < 3; row++) u.set(row, smallest, -u.get(row, smallest));
            CommonOps_DDRM.multTransB(u, v, r);
        }
        return r.data.clone();
    }

    /** Rotation angle in degrees: atan2 of the skew part's norm and (trace - 1) / 2. */
    public static double rotationAngleDeg(double[] r) {
        double sx = 0.5 * (r[7] - r[5]), sy = 0.5 * (r[2] - r[6]), sz = 0.5 * (r[3] - r[1]);
        double sin = Math.sqrt(sx * sx + sy * sy + sz * sz);
        double cos = 0.5 * (r[0] + r[4] + r[8] - 1);
        return Math.toDegrees(Math.atan2(sin, cos));
    }

    static double[] mul(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        }
        return c;
    }

    static double[] transpose(double[] m) {
        return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    private static double sq(double v) { return v * v; }

}
