package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.SphericalHarmonics;

import java.util.SplittableRandom;

/**
 * Crops a splat model to a box and moves it by a similarity: positions, scales, rotations, and the view-dependent
 * colour (each spherical-harmonics band rotated by its own (2l+1)x(2l+1) matrix), so the moved model renders the
 * same as the original from the correspondingly moved cameras.
 */
public final class GaussianTransform {

    private GaussianTransform() { }

    /**
     * The Gaussians whose centres, mapped by {@code toBoxFrame}, lie inside {@code [lo, hi]}, mapped by
     * {@code transform} (which may differ from {@code toBoxFrame}).
     */
    public static GaussianModel cropAndTransform(GaussianModel model, Similarity toBoxFrame, double[] lo, double[] hi,
                                                 Similarity transform) {
        int n = model.size();
        boolean[] keep = new boolean[n];
        float[] pos = model.positions();
        for (int i = 0; i < n; i++) {
            double[] p = toBoxFrame.apply(new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]});
            keep[i] = p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1] && p[2] >= lo[2] && p[2] <= hi[2];
        }
        GaussianModel out = model.copy();
        out.compact(keep);
        transformInPlace(out, transform);
        return out;
    }

    public static void transformInPlace(GaussianModel m, Similarity s) {
        float[] pos = m.positions(), ls = m.logScales(), q = m.rotations(), rest = m.shRest();
        double logScale = Math.log(s.scale());
        double[] qr = s.quaternion();
        double[][] bands = {bandRotation(s, 1), bandRotation(s, 2), bandRotation(s, 3)};
        double[] c = new double[7];
        for (int i = 0; i < m.size(); i++) {
            double[] p = s.apply(new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]});
            for (int k = 0; k < 3; k++) {
                pos[3 * i + k] = (float) p[k];
                ls[3 * i + k] = (float) (ls[3 * i + k] + logScale);
            }
            double w = q[4 * i], x = q[4 * i + 1], y = q[4 * i + 2], z = q[4 * i + 3];
            q[4 * i] = (float) (qr[0] * w - qr[1] * x - qr[2] * y - qr[3] * z);
            q[4 * i + 1] = (float) (qr[0] * x + qr[1] * w + qr[2] * z - qr[3] * y);
            q[4 * i + 2] = (float) (qr[0] * y - qr[1] * z + qr[2] * w + qr[3] * x);
            q[4 * i + 3] = (float) (qr[0] * z + qr[1] * y - qr[2] * x + qr[3] * w);
            // SH_REST: coefficient-major, (k - 1) * 3 + channel, k = 1..15; band l holds k = l^2 .. (l+1)^2 - 1
            for (int l = 1; l <= 3; l++) {
                int dim = 2 * l + 1, first = l * l;
                double[] d = bands[l - 1];
                for (int ch = 0; ch < 3; ch++) {
                    for (int a = 0; a < dim; a++) c[a] = rest[45 * i + (first + a - 1) * 3 + ch];
                    for (int a = 0; a < dim; a++) {
                        double v = 0;
                        for (int b = 0; b < dim; b++) v += d[a * dim + b] * c[b];
                        rest[45 * i + (first + a - 1) * 3 + ch] = (float) v;
                    }
                }
            }
        }
    }

    /**
     * The matrix D (row-major, dim x dim) of band {@code l}: new coefficients {@code c' = D c} such that the rotated
     * colour function satisfies {@code f'(d) = f(R^T d)}. Found by least squares over sample directions, which is
     * exact because each band is closed under rotation.
     */
    static double[] bandRotation(Similarity s, int l) {
        int dim = 2 * l + 1, first = l * l, samples = 4 * dim;
        double[] r = s.r();
        SplittableRandom rnd = new SplittableRandom(l);
        double[][] a = new double[samples][dim], b = new double[samples][dim];
        double[] basis = new double[16];
        for (int k = 0; k < samples; k++) {
            double x, y, z, len;
            do {
                x = rnd.nextDouble(-1, 1); y = rnd.nextDouble(-1, 1); z = rnd.nextDouble(-1, 1);
                len = Math.sqrt(x * x + y * y + z * z);
            } while (len < 0.1 || len > 1);
            x /= len; y /= len; z /= len;
            SphericalHarmonics.basis(3, x, y, z, basis);
            for (int j = 0; j < dim; j++) a[k][j] = basis[first + j];
            double rx = r[0] * x + r[3] * y + r[6] * z, ry = r[1] * x + r[4] * y + r[7] * z, rz = r[2] * x + r[5] * y + r[8] * z;
            SphericalHarmonics.basis(3, rx, ry, rz, basis);
            for (int j = 0; j < dim; j++) b[k][j] = basis[first + j];
        }
        // D = (A^T A)^-1 A^T B
        double[] ata = new double[dim * dim], atb = new double[dim * dim];
        for (int k = 0; k < samples; k++) {
            for (int p = 0; p < dim; p++) {
                for (int q = 0; q < dim; q++) {
                    ata[p * dim + q] += a[k][p] * a[k][q];
                    atb[p * dim + q] += a[k][p] * b[k][q];
                }
            }
        }
        return solve(ata, atb, dim);
    }

    /** Solves {@code M X = B} for X (dim x dim) by Gauss-Jordan elimination with partial pivoting. */
    private static double[] solve(double[] m, double[] rhs, int dim) {
        double[] a = m.clone(), x = rhs.clone();
        for (int col = 0; col < dim; col++) {
            int piv = col;
            for (int r = col + 1; r < dim; r++) if (Math.abs(a[r * dim + col]) > Math.abs(a[piv * dim + col])) piv = r;
            if (piv != col) {
                for (int c = 0; c < dim; c++) {
                    double t = a[col * dim + c]; a[col * dim + c] = a[piv * dim + c]; a[piv * dim + c] = t;
                    t = x[col * dim + c]; x[col * dim + c] = x[piv * dim + c]; x[piv * dim + c] = t;
                }
            }
            double d = a[col * dim + col];
            for (int c = 0; c < dim; c++) { a[col * dim + c] /= d; x[col * dim + c] /= d; }
            for (int r = 0; r < dim; r++) {
                if (r == col) continue;
                double f = a[r * dim + col];
                if (f == 0) continue;
                for (int c = 0; c < dim; c++) { a[r * dim + c] -= f * a[col * dim + c]; x[r * dim + c] -= f * x[col * dim + c]; }
            }
        }
        return x;
    }
}
