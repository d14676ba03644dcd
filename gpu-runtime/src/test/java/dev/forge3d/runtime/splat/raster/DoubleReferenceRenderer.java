package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.SphericalHarmonics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A plain per-pixel renderer in double precision with the same rules as the CPU rasterizer (3-sigma tile
 * rectangles, depth order, cut-offs), used as the finite-difference reference of the gradient checks.
 * Output: planar RGB (3 w h), then alpha (w h), then depth (w h).
 */
final class DoubleReferenceRenderer {

    static double[][] params(GaussianModel m) {
        double[][] p = new double[ParamGroup.ALL.length][];
        for (ParamGroup g : ParamGroup.ALL) {
            float[] src = m.get(g);
            p[g.ordinal()] = new double[m.size() * g.dim];
            for (int i = 0; i < p[g.ordinal()].length; i++) p[g.ordinal()][i] = src[i];
        }
        return p;
    }

    static double[] render(double[][] p, int n, int deg, Camera cam, double[] bg) {
        int w = cam.width(), h = cam.height();
        double[] r = cam.pose().rotation(), t = cam.pose().translation(), c = cam.pose().centre();
        double fx = cam.intrinsics().fx(), fy = cam.intrinsics().fy(), cx = cam.intrinsics().cx(), cy = cam.intrinsics().cy();
        double limX = 1.3 * 0.5 * w / fx, limY = 1.3 * 0.5 * h / fy;
        int tilesX = (w + 15) / 16, tilesY = (h + 15) / 16;
        double[] u = new double[n], v = new double[n], ka = new double[n], kb = new double[n], kc = new double[n], z = new double[n], op = new double[n];
        double[][] col = new double[n][3];
        int[][] rect = new int[n][];
        double[] pos = p[0], ls = p[1], rot = p[2], opl = p[3], dc = p[4], rest = p[5];
        for (int i = 0; i < n; i++) {
            double X = pos[3 * i], Y = pos[3 * i + 1], Z = pos[3 * i + 2];
            double x = r[0] * X + r[1] * Y + r[2] * Z + t[0], y = r[3] * X + r[4] * Y + r[5] * Z + t[1], zz = r[6] * X + r[7] * Y + r[8] * Z + t[2];
            if (zz <= 0.2) continue;
            double qw = rot[4 * i], qx = rot[4 * i + 1], qy = rot[4 * i + 2], qz = rot[4 * i + 3];
            double qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
            qw /= qn; qx /= qn; qy /= qn; qz /= qn;
            double[][] R = {
                {1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy)},
                {2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx)},
                {2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy)}};
            double[] s = {Math.exp(ls[3 * i]), Math.exp(ls[3 * i + 1]), Math.exp(ls[3 * i + 2])};
            double[][] S = new double[3][3];
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) for (int k = 0; k < 3; k++) S[a][b] += R[a][k] * s[k] * s[k] * R[b][k];
            double tx = Math.min(limX, Math.max(-limX, x / zz)) * zz, ty = Math.min(limY, Math.max(-limY, y / zz)) * zz;
            double[][] J = {{fx / zz, 0, -fx * tx / (zz * zz)}, {0, fy / zz, -fy * ty / (zz * zz)}};
            double[][] T = new double[2][3];
            for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int k = 0; k < 3; k++) T[a][b] += J[a][k] * r[3 * k + b];
            double[][] C = new double[2][2];
            for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int k = 0; k < 3; k++) for (int l = 0; l < 3; l++) C[a][b] += T[a][k] * S[k][l] * T[b][l];
            double A = C[0][0] + 0.3, B = C[0][1], Cc = C[1][1] + 0.3;
            double det = A * Cc - B * B;
            double mid = 0.5 * (A + Cc);
            double lam = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
            int rad = (int) Math.ceil(3 * Math.sqrt(lam));
            u[i] = fx * x / zz + cx; v[i] = fy * y / zz + cy;
            float pu = (float) (u[i] - 0.5), pv = (float) (v[i] - 0.5);
            int x0 = Math.min(tilesX, Math.max(0, (int) ((pu - rad) / 16))), y0 = Math.min(tilesY, Math.max(0, (int) ((pv - rad) / 16)));
            int x1 = Math.min(tilesX, Math.max(0, (int) ((pu + rad + 15) / 16))), y1 = Math.min(tilesY, Math.max(0, (int) ((pv + rad + 15) / 16)));
            if ((x1 - x0) * (y1 - y0) == 0) continue;
            rect[i] = new int[] {x0, y0, x1, y1};
            ka[i] = Cc / det; kb[i] = -B / det; kc[i] = A / det; z[i] = zz;
            op[i] = 1 / (1 + Math.exp(-opl[i]));
            double dx = X - c[0], dy = Y - c[1], dz = Z - c[2], dn = Math.sqrt(dx * dx + dy * dy + dz * dz);
            double[] basis = new double[16];
            SphericalHarmonics.basis(deg, dx / dn, dy / dn, dz / dn, basis);
            for (int ch = 0; ch < 3; ch++) {
                double v0 = basis[0] * dc[3 * i + ch];
                for (int k = 1; k < SphericalHarmonics.coefficients(deg); k++) v0 += basis[k] * rest[45 * i + 3 * (k - 1) + ch];
                col[i][ch] = Math.max(0, v0 + 0.5);
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> z[i]));
        double[] out = new double[5 * w * h];
        int plane = w * h;
        for (int py = 0; py < h; py++) {
            for (int px = 0; px < w; px++) {
                double T = 1, cr = 0, cg = 0, cb = 0, cd = 0;
                int tx = px / 16, ty = py / 16;
                for (int i : order) {
                    int[] rc = rect[i];
                    if (rc == null || tx < rc[0] || tx >= rc[2] || ty < rc[1] || ty >= rc[3]) continue;
                    double dx = u[i] - (px + 0.5), dy = v[i] - (py + 0.5);
                    double power = -0.5 * (ka[i] * dx * dx + kc[i] * dy * dy) - kb[i] * dx * dy;
                    if (power > 0) continue;
                    double alpha = Math.min(0.99, op[i] * Math.exp(power));
                    if (alpha < 1.0 / 255) continue;
                    double test = T * (1 - alpha);
                    if (test < 1e-4) break;
                    double wgt = alpha * T;
                    cr += wgt * col[i][0]; cg += wgt * col[i][1]; cb += wgt * col[i][2]; cd += wgt * z[i];
                    T = test;
                }
                int pix = py * w + px;
                out[pix] = cr + T * bg[0]; out[plane + pix] = cg + T * bg[1]; out[2 * plane + pix] = cb + T * bg[2];
                out[3 * plane + pix] = 1 - T;
                out[4 * plane + pix] = cd;
            }
        }
        return out;
    }
}
