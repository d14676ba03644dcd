package dev.forge3d.runtime.sfm.bundle;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Bundle adjustment's solver: Levenberg-Marquardt on reprojection error with the points eliminated by the Schur
 * complement (Triggs et al., "Bundle Adjustment - A Modern Synthesis", section 6.1), as Ceres' DENSE_SCHUR does for
 * COLMAP's problems of this size.
 *
 * <p>Specialised to the one camera model the mapper uses (pinhole, one radial term, COLMAP's SIMPLE_RADIAL when
 * refined): analytic Jacobians, each point's 3x3 block inverted in closed form, the reduced camera system (6 pose
 * parameters per moving image, 2 or 4 per refined lens) held dense and solved by Cholesky. BoofCV's general sparse
 * solver, used before, spent most of its time building and factoring sparse matrices (profiled on tune-mug: 42 % of
 * the whole reconstruction's CPU time).
 *
 * <p>Poses are world-to-camera {@code Xc = R X + T}; a step rotates {@code R <- exp([w]x) R} and moves {@code T <- T + t}.
 * Robust loss: Cauchy, {@code rho(s) = c^2 log(1 + s / c^2)} of the squared error {@code s}, by iteratively
 * reweighted least squares. Damping: the diagonal of the normal equations scaled by lambda (Marquardt), so the
 * scene's unit does not matter; the gauge left free by holding one pose (the scale) is held by the damping.
 */
final class SchurLevenbergMarquardt {

    /** The problem, edited in place: poses, lenses and points are overwritten with the solution. */
    static final class Problem {
        /** Per view: row-major world-to-camera rotation (9) and translation (3). */
        double[][] rotation, translation;
        boolean[] viewHeld;
        int[] viewLens;
        /** Per lens: {fx, fy, cx, cy, k1}. */
        double[][] lens;
        /** Per lens: 0 held, 2 refines (f, k1) with fx = fy = f, 4 also (cx, cy). */
        int[] lensFreeParameters;
        double[][] points;
        /** Observations grouped by point: those of point p are {@code obsStart[p] .. obsStart[p + 1] - 1}. */
        int[] obsStart, obsView;
        double[] obsX, obsY;
        /** Cauchy scale in pixels; {@code <= 0} for plain least squares. */
        double lossPx;
    }

    record Result(double initialCost, double finalCost, int iterations) { }

    private static final int MAX_BLOCK = 10; // 6 pose + 4 intrinsic parameters per observation

    private final Problem pr;
    private final int nViews, nLenses, nPoints, nObs, dim;
    private final int[] viewOffset, lensOffset;
    // Linearisation at the current estimate.
    private final double[] hcc, gc; // reduced-system block (dim x dim) and its gradient
    private final double[] hpp, gp; // per point: 3x3 and 3
    private final double[] w;       // per observation: (camera-side x point) block, MAX_BLOCK x 3
    private final int[] blockSize;  // per observation: camera-side parameters it touches
    /** Points split into contiguous ranges, one per worker thread; each range sums into its own dense block. */
    private final int[] chunkStart;
    private final double[][] partial, partialRhs;

    SchurLevenbergMarquardt(Problem pr) {
        this.pr = pr;
        nViews = pr.rotation.length;
        nLenses = pr.lens.length;
        nPoints = pr.points.length;
        nObs = pr.obsView.length;
        viewOffset = new int[nViews];
        lensOffset = new int[nLenses];
        int d = 0;
        for (int v = 0; v < nViews; v++) {
            viewOffset[v] = pr.viewHeld[v] ? -1 : d;
            if (!pr.viewHeld[v]) d += 6;
        }
        for (int c = 0; c < nLenses; c++) {
            lensOffset[c] = pr.lensFreeParameters[c] == 0 ? -1 : d;
            d += pr.lensFreeParameters[c];
        }
        dim = d;
        hcc = new double[dim * dim];
        gc = new double[dim];
        hpp = new double[9 * nPoints];
        gp = new double[3 * nPoints];
        w = new double[MAX_BLOCK * 3 * nObs];
        blockSize = new int[nObs];
        // Each chunk sums into a dense block of its own (11 MB for 200 photos), so a wide machine gets at most 4.
        int chunks = nObs < PARALLEL_FROM_OBSERVATIONS ? 1 : Math.min(4, Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1));
        chunkStart = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) chunkStart[c] = (int) ((long) nPoints * c / chunks);
        partial = new double[chunks][];
        partialRhs = new double[chunks][];
        for (int c = 0; c < chunks; c++) { partial[c] = new double[dim * dim]; partialRhs[c] = new double[dim]; }
    }

    /** Below this many observations one thread does it all (a local adjustment is a few milliseconds). */
    private static final int PARALLEL_FROM_OBSERVATIONS = 20_000;

    /** Runs {@code body} on every chunk of points, in parallel when there are several. */
    private void forEachChunk(java.util.function.IntConsumer body) {
        int chunks = chunkStart.length - 1;
        if (chunks == 1) body.accept(0);
        else IntStream.range(0, chunks).parallel().forEach(body);
    }

    /** Sums every chunk's block and right-hand side into the given ones. */
    private void sumPartials(double[] into, double[] intoRhs) {
        for (int c = 0; c < partial.length; c++) {
            double[] a = partial[c], b = partialRhs[c];
            for (int i = 0; i < into.length; i++) into[i] += a[i];
            for (int i = 0; i < intoRhs.length; i++) intoRhs[i] += b[i];
        }
    }

    /**
     * @param maxIterations linearisations (each may try several dampings)
     * @param tolerance     stop when a step lowers the cost by less than this fraction
     */
    Result solve(int maxIterations, double tolerance) {
        double cost = cost(pr.rotation, pr.translation, pr.lens, pr.points);
        double initial = cost;
        double lambda = 1e-4;
        int it = 0;
        double[] delta = new double[dim];
        double[] deltaPoints = new double[3 * nPoints];
        while (it < maxIterations && cost > 0) {
            it++;
            linearise();
            boolean accepted = false;
            for (int tries = 0; tries < 12 && !accepted; tries++) {
                if (!step(lambda, delta, deltaPoints)) { lambda *= 10; continue; }
                double[][] rot = new double[nViews][], tr = new double[nViews][], lens = new double[nLenses][];
                double[][] pts = new double[nPoints][];
                apply(delta, deltaPoints, rot, tr, lens, pts);
                double next = cost(rot, tr, lens, pts);
                if (next < cost) {
                    for (int v = 0; v < nViews; v++) { pr.rotation[v] = rot[v]; pr.translation[v] = tr[v]; }
                    System.arraycopy(lens, 0, pr.lens, 0, nLenses);
                    System.arraycopy(pts, 0, pr.points, 0, nPoints);
                    double gain = (cost - next) / cost;
                    cost = next;
                    lambda = Math.max(1e-12, lambda / 3);
                    accepted = true;
                    if (gain < tolerance) return new Result(initial, cost, it);
                } else {
                    lambda *= 4;
                }
            }
            if (!accepted) break; // no damping lowers the cost: at a minimum as far as doubles tell
        }
        return new Result(initial, cost, it);
    }

    /** Robust cost of the whole problem at the given parameters. */
    private double cost(double[][] rot, double[][] tr, double[][] lens, double[][] pts) {
        double[] sums = new double[chunkStart.length - 1];
        forEachChunk(c -> sums[c] = cost(rot, tr, lens, pts, chunkStart[c], chunkStart[c + 1]));
        double sum = 0;
        for (double v : sums) sum += v;
        return Double.isNaN(sum) ? Double.POSITIVE_INFINITY : sum;
    }

    private double cost(double[][] rot, double[][] tr, double[][] lens, double[][] pts, int from, int to) {
        double c2 = pr.lossPx * pr.lossPx, sum = 0;
        for (int p = from; p < to; p++) {
            double[] x = pts[p];
            for (int o = pr.obsStart[p]; o < pr.obsStart[p + 1]; o++) {
                int v = pr.obsView[o];
                double[] r = rot[v], t = tr[v], k = lens[pr.viewLens[v]];
                double xc = r[0] * x[0] + r[1] * x[1] + r[2] * x[2] + t[0];
                double yc = r[3] * x[0] + r[4] * x[1] + r[5] * x[2] + t[1];
                double zc = r[6] * x[0] + r[7] * x[1] + r[8] * x[2] + t[2];
                double u = xc / zc, vv = yc / zc, d = 1 + k[4] * (u * u + vv * vv);
                double ex = k[0] * u * d + k[2] - pr.obsX[o], ey = k[1] * vv * d + k[3] - pr.obsY[o];
                double s = ex * ex + ey * ey;
                sum += c2 > 0 ? c2 * Math.log1p(s / c2) : s;
            }
        }
        return sum;
    }

    /** Normal equations at the current estimate: the camera-side block, every point's block, and their coupling. */
    private void linearise() {
        Arrays.fill(hpp, 0);
        Arrays.fill(gp, 0);
        forEachChunk(this::linearise);
        Arrays.fill(hcc, 0);
        Arrays.fill(gc, 0);
        sumPartials(hcc, gc);
    }

    private void linearise(int chunk) {
        double[] hcc = partial[chunk], gc = partialRhs[chunk];
        Arrays.fill(hcc, 0);
        Arrays.fill(gc, 0);
        double c2 = pr.lossPx * pr.lossPx;
        double[] jc = new double[2 * MAX_BLOCK];
        int[] idx = new int[MAX_BLOCK];
        double[] jp = new double[6];
        for (int p = chunkStart[chunk]; p < chunkStart[chunk + 1]; p++) {
            double[] x = pr.points[p];
            for (int o = pr.obsStart[p]; o < pr.obsStart[p + 1]; o++) {
                int v = pr.obsView[o], lensIndex = pr.viewLens[v];
                double[] r = pr.rotation[v], t = pr.translation[v], k = pr.lens[lensIndex];
                double rx = r[0] * x[0] + r[1] * x[1] + r[2] * x[2];
                double ry = r[3] * x[0] + r[4] * x[1] + r[5] * x[2];
                double rz = r[6] * x[0] + r[7] * x[1] + r[8] * x[2];
                double xc = rx + t[0], yc = ry + t[1], zc = rz + t[2];
                double iz = 1 / zc, u = xc * iz, vv = yc * iz, r2 = u * u + vv * vv, k1 = k[4], d = 1 + k1 * r2;
                double ex = k[0] * u * d + k[2] - pr.obsX[o], ey = k[1] * vv * d + k[3] - pr.obsY[o];
                double s = ex * ex + ey * ey;
                double wt = c2 > 0 ? 1 / (1 + s / c2) : 1;
                // d(pixel)/d(Xc): the radial term's derivatives with respect to (u, v), then (u, v) to Xc.
                double a = d + 2 * k1 * u * u, b = 2 * k1 * u * vv, c = d + 2 * k1 * vv * vv;
                double ax0 = k[0] * a * iz, ax1 = k[0] * b * iz, ax2 = -k[0] * (a * u + b * vv) * iz;
                double ay0 = k[1] * b * iz, ay1 = k[1] * c * iz, ay2 = -k[1] * (b * u + c * vv) * iz;
                // Point: d(Xc)/dX = R.
                jp[0] = ax0 * r[0] + ax1 * r[3] + ax2 * r[6];
                jp[1] = ax0 * r[1] + ax1 * r[4] + ax2 * r[7];
                jp[2] = ax0 * r[2] + ax1 * r[5] + ax2 * r[8];
                jp[3] = ay0 * r[0] + ay1 * r[3] + ay2 * r[6];
                jp[4] = ay0 * r[1] + ay1 * r[4] + ay2 * r[7];
                jp[5] = ay0 * r[2] + ay1 * r[5] + ay2 * r[8];
                int m = 0;
                if (viewOffset[v] >= 0) {
                    // Rotation step w: d(Xc)/dw = -[R X]x; translation step: identity.
                    int off = viewOffset[v];
                    double[] rowsX = {ax1 * -rz + ax2 * ry, ax0 * rz - ax2 * rx, -ax0 * ry + ax1 * rx, ax0, ax1, ax2};
                    double[] rowsY = {ay1 * -rz + ay2 * ry, ay0 * rz - ay2 * rx, -ay0 * ry + ay1 * rx, ay0, ay1, ay2};
                    for (int q = 0; q < 6; q++) { jc[q] = rowsX[q]; jc[MAX_BLOCK + q] = rowsY[q]; idx[q] = off + q; }
                    m = 6;
                }
                int free = pr.lensFreeParameters[lensIndex];
                if (free > 0) {
                    int off = lensOffset[lensIndex];
                    jc[m] = u * d; jc[MAX_BLOCK + m] = vv * d; idx[m] = off; m++;                     // f
                    jc[m] = k[0] * u * r2; jc[MAX_BLOCK + m] = k[1] * vv * r2; idx[m] = off + 1; m++; // k1
                    if (free == 4) {
                        jc[m] = 1; jc[MAX_BLOCK + m] = 0; idx[m] = off + 2; m++;
                        jc[m] = 0; jc[MAX_BLOCK + m] = 1; idx[m] = off + 3; m++;
                    }
                }
                blockSize[o] = m;
                // Point block and gradient.
                int hp = 9 * p, g3 = 3 * p;
                for (int i = 0; i < 3; i++) {
                    gp[g3 + i] += wt * (jp[i] * ex + jp[3 + i] * ey);
                    for (int j = 0; j < 3; j++) hpp[hp + 3 * i + j] += wt * (jp[i] * jp[j] + jp[3 + i] * jp[3 + j]);
                }
                // Camera-side block, gradient, and the coupling W = J_cam^T J_point.
                int wo = MAX_BLOCK * 3 * o;
                for (int i = 0; i < m; i++) {
                    double jxi = jc[i], jyi = jc[MAX_BLOCK + i];
                    gc[idx[i]] += wt * (jxi * ex + jyi * ey);
                    int row = idx[i] * dim;
                    for (int j = 0; j < m; j++) hcc[row + idx[j]] += wt * (jxi * jc[j] + jyi * jc[MAX_BLOCK + j]);
                    for (int j = 0; j < 3; j++) w[wo + 3 * i + j] = wt * (jxi * jp[j] + jyi * jp[3 + j]);
                }
            }
        }
    }

    /** Index of camera-side parameter {@code i} of observation {@code o} in the reduced system. */
    private int index(int o, int i) {
        int v = pr.obsView[o];
        if (viewOffset[v] >= 0) {
            if (i < 6) return viewOffset[v] + i;
            i -= 6;
        }
        return lensOffset[pr.viewLens[v]] + i;
    }

    /** The damped step: reduced camera system by Cholesky, then each point. False when the system is not positive definite. */
    private boolean step(double lambda, double[] delta, double[] deltaPoints) {
        double[] inv = new double[9 * nPoints];
        forEachChunk(c -> reduce(c, lambda, inv));
        // S = damped H_cc - (T + T'), where T holds each point's W_a V^-1 W_b' once per pair of its observations.
        double[] t = new double[dim * dim], rhs = new double[dim];
        sumPartials(t, rhs);
        double[] s = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            rhs[i] -= gc[i];
            for (int j = 0; j < dim; j++) s[i * dim + j] = hcc[i * dim + j] - t[i * dim + j] - t[j * dim + i];
            s[i * dim + i] += lambda * clamp(hcc[i * dim + i]);
        }
        if (dim > 0) {
            LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(dim);
            DMatrixRMaj a = DMatrixRMaj.wrap(dim, dim, s);
            if (!chol.setA(a)) return false;
            DMatrixRMaj x = new DMatrixRMaj(dim, 1);
            chol.solve(DMatrixRMaj.wrap(dim, 1, rhs), x);
            System.arraycopy(x.data, 0, delta, 0, dim);
            for (double v : delta) if (!Double.isFinite(v)) return false;
        }
        forEachChunk(c -> backSubstitute(c, inv, delta, deltaPoints));
        return true;
    }

    /**
     * Chunk {@code c}'s part of the Schur complement's correction {@code W V^-1 W'}, each pair of a point's observations
     * once (a pair's transpose is added when the chunks are summed; an observation with itself at half weight), and of
     * the right-hand side {@code W V^-1 g_p}.
     */
    private void reduce(int c, double lambda, double[] inv) {
        double[] s = partial[c], rhs = partialRhs[c];
        Arrays.fill(s, 0);
        Arrays.fill(rhs, 0);
        double[] y = new double[MAX_BLOCK * 3];
        int[] ia = new int[MAX_BLOCK], ib = new int[MAX_BLOCK];
        for (int p = chunkStart[c]; p < chunkStart[c + 1]; p++) {
            if (!invertDamped(p, lambda, inv)) continue; // a point the views do not fix: it stays where it is
            int ip = 9 * p, g3 = 3 * p;
            for (int oa = pr.obsStart[p]; oa < pr.obsStart[p + 1]; oa++) {
                int ma = blockSize[oa], wa = MAX_BLOCK * 3 * oa;
                if (ma == 0) continue;
                for (int i = 0; i < ma; i++) {
                    ia[i] = index(oa, i);
                    for (int j = 0; j < 3; j++) {
                        y[3 * i + j] = w[wa + 3 * i] * inv[ip + j] + w[wa + 3 * i + 1] * inv[ip + 3 + j] + w[wa + 3 * i + 2] * inv[ip + 6 + j];
                    }
                    rhs[ia[i]] += y[3 * i] * gp[g3] + y[3 * i + 1] * gp[g3 + 1] + y[3 * i + 2] * gp[g3 + 2];
                }
                for (int ob = oa; ob < pr.obsStart[p + 1]; ob++) {
                    int mb = blockSize[ob], wb = MAX_BLOCK * 3 * ob;
                    double half = ob == oa ? 0.5 : 1;
                    for (int j = 0; j < mb; j++) ib[j] = index(ob, j);
                    for (int i = 0; i < ma; i++) {
                        int row = ia[i] * dim;
                        double y0 = half * y[3 * i], y1 = half * y[3 * i + 1], y2 = half * y[3 * i + 2];
                        for (int j = 0; j < mb; j++) {
                            s[row + ib[j]] += y0 * w[wb + 3 * j] + y1 * w[wb + 3 * j + 1] + y2 * w[wb + 3 * j + 2];
                        }
                    }
                }
            }
        }
    }

    /** Each point's step given the cameras'. */
    private void backSubstitute(int c, double[] inv, double[] delta, double[] deltaPoints) {
        for (int p = chunkStart[c]; p < chunkStart[c + 1]; p++) {
            int ip = 9 * p, g3 = 3 * p;
            double b0 = -gp[g3], b1 = -gp[g3 + 1], b2 = -gp[g3 + 2];
            for (int o = pr.obsStart[p]; o < pr.obsStart[p + 1]; o++) {
                int wo = MAX_BLOCK * 3 * o;
                for (int i = 0; i < blockSize[o]; i++) {
                    double di = delta[index(o, i)];
                    b0 -= w[wo + 3 * i] * di;
                    b1 -= w[wo + 3 * i + 1] * di;
                    b2 -= w[wo + 3 * i + 2] * di;
                }
            }
            deltaPoints[g3] = inv[ip] * b0 + inv[ip + 1] * b1 + inv[ip + 2] * b2;
            deltaPoints[g3 + 1] = inv[ip + 3] * b0 + inv[ip + 4] * b1 + inv[ip + 5] * b2;
            deltaPoints[g3 + 2] = inv[ip + 6] * b0 + inv[ip + 7] * b1 + inv[ip + 8] * b2;
        }
    }

    /** Inverse of point p's damped 3x3 block into {@code inv}; false (and zeros) when it is singular. */
    private boolean invertDamped(int p, double lambda, double[] inv) {
        int h = 9 * p;
        double a = hpp[h] + lambda * clamp(hpp[h]), b = hpp[h + 1], c = hpp[h + 2];
        double d = hpp[h + 4] + lambda * clamp(hpp[h + 4]), e = hpp[h + 5];
        double f = hpp[h + 8] + lambda * clamp(hpp[h + 8]);
        double c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
        double det = a * c00 + b * c01 + c * c02;
        if (!(Math.abs(det) > 1e-300) || !Double.isFinite(det)) return false;
        double id = 1 / det;
        inv[h] = c00 * id; inv[h + 1] = c01 * id; inv[h + 2] = c02 * id;
        inv[h + 3] = c01 * id; inv[h + 4] = (a * f - c * c) * id; inv[h + 5] = (b * c - a * e) * id;
        inv[h + 6] = c02 * id; inv[h + 7] = (b * c - a * e) * id; inv[h + 8] = (a * d - b * b) * id;
        return true;
    }

    /** Marquardt's scaling of the damping, kept away from 0 and infinity as Ceres does. */
    private static double clamp(double diagonal) {
        return Math.min(1e32, Math.max(1e-6, diagonal));
    }

    private void apply(double[] delta, double[] deltaPoints, double[][] rot, double[][] tr, double[][] lens, double[][] pts) {
        for (int v = 0; v < nViews; v++) {
            int off = viewOffset[v];
            if (off < 0) { rot[v] = pr.rotation[v]; tr[v] = pr.translation[v]; continue; }
            rot[v] = mul(exp(delta[off], delta[off + 1], delta[off + 2]), pr.rotation[v]);
            double[] t = pr.translation[v];
            tr[v] = new double[] {t[0] + delta[off + 3], t[1] + delta[off + 4], t[2] + delta[off + 5]};
        }
        for (int c = 0; c < nLenses; c++) {
            int off = lensOffset[c];
            if (off < 0) { lens[c] = pr.lens[c]; continue; }
            double[] k = pr.lens[c].clone();
            double f = k[0] + delta[off];
            k[0] = f; k[1] = f;
            k[4] += delta[off + 1];
            if (pr.lensFreeParameters[c] == 4) { k[2] += delta[off + 2]; k[3] += delta[off + 3]; }
            lens[c] = k;
        }
        for (int p = 0; p < nPoints; p++) {
            double[] x = pr.points[p];
            pts[p] = new double[] {x[0] + deltaPoints[3 * p], x[1] + deltaPoints[3 * p + 1], x[2] + deltaPoints[3 * p + 2]};
        }
    }

    /** Rodrigues: the rotation matrix of the rotation vector (wx, wy, wz), row-major. */
    static double[] exp(double wx, double wy, double wz) {
        double th2 = wx * wx + wy * wy + wz * wz, th = Math.sqrt(th2);
        double a, b;
        if (th < 1e-8) { a = 1 - th2 / 6; b = 0.5 - th2 / 24; }
        else { a = Math.sin(th) / th; b = (1 - Math.cos(th)) / th2; }
        return new double[] {
            1 - b * (wy * wy + wz * wz), -a * wz + b * wx * wy, a * wy + b * wx * wz,
            a * wz + b * wx * wy, 1 - b * (wx * wx + wz * wz), -a * wx + b * wy * wz,
            -a * wy + b * wx * wz, a * wx + b * wy * wz, 1 - b * (wx * wx + wy * wy)};
    }

    private static double[] mul(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        }
        return c;
    }
}
