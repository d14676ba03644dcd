package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.SphericalHarmonics;
import dev.forge3d.runtime.splat.raster.RasterConstants;

/**
 * Projection stage, one Gaussian at a time (called in parallel over Gaussians): camera transform, EWA 2D
 * covariance with the low-pass, conic, footprint radius and tile rectangle, SH colour; and its exact backward.
 * Computed in double precision, stored as float.
 */
final class Projection {

    private Projection() { }

    /** Per-thread scratch so that no arrays are allocated per Gaussian. */
    static final class Scratch {
        final double[] basis = new double[16];
        final double[] weight = new double[16];
        final double[] g3 = new double[3];
    }

    static void forward(GaussianModel m, int i, ViewParams vp, Projected out, Scratch s) {
        out.radius[i] = 0;
        float[] pos = m.positions();
        double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
        double[] r = vp.r, t = vp.t;
        double x = r[0] * px + r[1] * py + r[2] * pz + t[0];
        double y = r[3] * px + r[4] * py + r[5] * pz + t[1];
        double z = r[6] * px + r[7] * py + r[8] * pz + t[2];
        if (z <= RasterConstants.NEAR) return;

        float[] rot = m.rotations();
        double qw = rot[4 * i], qx = rot[4 * i + 1], qy = rot[4 * i + 2], qz = rot[4 * i + 3];
        double qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        if (!(qn > 1e-12)) return;
        qw /= qn; qx /= qn; qy /= qn; qz /= qn;
        float[] ls = m.logScales();
        double sx = Math.exp(ls[3 * i]), sy = Math.exp(ls[3 * i + 1]), sz = Math.exp(ls[3 * i + 2]);
        // M = R(q) S; Sigma = M M^T
        double r00 = 1 - 2 * (qy * qy + qz * qz), r01 = 2 * (qx * qy - qw * qz), r02 = 2 * (qx * qz + qw * qy);
        double r10 = 2 * (qx * qy + qw * qz), r11 = 1 - 2 * (qx * qx + qz * qz), r12 = 2 * (qy * qz - qw * qx);
        double r20 = 2 * (qx * qz - qw * qy), r21 = 2 * (qy * qz + qw * qx), r22 = 1 - 2 * (qx * qx + qy * qy);
        double m00 = r00 * sx, m01 = r01 * sy, m02 = r02 * sz;
        double m10 = r10 * sx, m11 = r11 * sy, m12 = r12 * sz;
        double m20 = r20 * sx, m21 = r21 * sy, m22 = r22 * sz;
        double s00 = m00 * m00 + m01 * m01 + m02 * m02, s01 = m00 * m10 + m01 * m11 + m02 * m12, s02 = m00 * m20 + m01 * m21 + m02 * m22;
        double s11 = m10 * m10 + m11 * m11 + m12 * m12, s12 = m10 * m20 + m11 * m21 + m12 * m22, s22 = m20 * m20 + m21 * m21 + m22 * m22;

        double tx = Math.min(vp.limX, Math.max(-vp.limX, x / z)) * z;
        double ty = Math.min(vp.limY, Math.max(-vp.limY, y / z)) * z;
        double j00 = vp.fx / z, j02 = -vp.fx * tx / (z * z), j11 = vp.fy / z, j12 = -vp.fy * ty / (z * z);
        // T = J W (W = view rotation)
        double t00 = j00 * r[0] + j02 * r[6], t01 = j00 * r[1] + j02 * r[7], t02 = j00 * r[2] + j02 * r[8];
        double t10 = j11 * r[3] + j12 * r[6], t11 = j11 * r[4] + j12 * r[7], t12 = j11 * r[5] + j12 * r[8];
        // cov2 = T Sigma T^T
        double a0 = t00 * s00 + t01 * s01 + t02 * s02, a1 = t00 * s01 + t01 * s11 + t02 * s12, a2 = t00 * s02 + t01 * s12 + t02 * s22;
        double b0 = t10 * s00 + t11 * s01 + t12 * s02, b1 = t10 * s01 + t11 * s11 + t12 * s12, b2 = t10 * s02 + t11 * s12 + t12 * s22;
        double ca = a0 * t00 + a1 * t01 + a2 * t02 + RasterConstants.LOW_PASS;
        double cb = a0 * t10 + a1 * t11 + a2 * t12;
        double cc = b0 * t10 + b1 * t11 + b2 * t12 + RasterConstants.LOW_PASS;
        double det = ca * cc - cb * cb;
        if (!(det > 0)) return;
        double mid = 0.5 * (ca + cc);
        double lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
        int radius = (int) Math.ceil(RasterConstants.RADIUS_SIGMAS * Math.sqrt(lambda));
        double u = vp.fx * x / z + vp.cx, v = vp.fy * y / z + vp.cy;
        // Inria's getRect, in its pixel coordinates (centres at integer index)
        float pu = (float) (u - 0.5), pv = (float) (v - 0.5);
        int T = RasterConstants.TILE;
        int x0 = Math.min(vp.tilesX, Math.max(0, (int) ((pu - radius) / T)));
        int y0 = Math.min(vp.tilesY, Math.max(0, (int) ((pv - radius) / T)));
        int x1 = Math.min(vp.tilesX, Math.max(0, (int) ((pu + radius + T - 1) / T)));
        int y1 = Math.min(vp.tilesY, Math.max(0, (int) ((pv + radius + T - 1) / T)));
        if ((x1 - x0) * (y1 - y0) == 0) return;

        // colour from SH along the direction camera centre -> mean
        int deg = m.shDegree();
        double dx = px - vp.centre[0], dy = py - vp.centre[1], dz = pz - vp.centre[2];
        double dn = Math.sqrt(dx * dx + dy * dy + dz * dz);
        dx /= dn; dy /= dn; dz /= dn;
        double[] b = s.basis;
        SphericalHarmonics.basis(deg, dx, dy, dz, b);
        int nCoef = SphericalHarmonics.coefficients(deg);
        float[] dc = m.shDc(), rest = m.shRest();
        byte clampBits = 0;
        for (int c = 0; c < 3; c++) {
            double col = b[0] * dc[3 * i + c];
            for (int k = 1; k < nCoef; k++) col += b[k] * rest[45 * i + 3 * (k - 1) + c];
            col += 0.5;
            if (col < 0) { col = 0; clampBits |= (byte) (1 << c); }
            out.colour[3 * i + c] = (float) col;
        }
        out.clamped[i] = clampBits;

        float o = GaussianModel.sigmoid(m.opacityLogits()[i]);
        out.opacity[i] = o;
        out.u[i] = (float) u;
        out.v[i] = (float) v;
        out.conA[i] = (float) (cc / det);
        out.conB[i] = (float) (-cb / det);
        out.conC[i] = (float) (ca / det);
        out.depth[i] = (float) z;
        // alpha = o exp(power) >= 1/255  <=>  d^T conic d <= 2 ln(255 o): an ellipse with half extents sqrt(q cov_xx), sqrt(q cov_yy)
        double qa = 2 * Math.log(255.0 * o);
        if (qa > 0) {
            out.extX[i] = (float) Math.sqrt(qa * ca);
            out.extY[i] = (float) Math.sqrt(qa * cc);
        } else {
            out.extX[i] = -1;
            out.extY[i] = -1;
        }
        out.rectX0[i] = (short) x0; out.rectY0[i] = (short) y0;
        out.rectX1[i] = (short) x1; out.rectY1[i] = (short) y1;
        out.radius[i] = radius;
    }

    /**
     * Chain rule from the screen-space gradients of Gaussian {@code i} (2D mean, conic, opacity, colour, depth) to
     * its parameters, added to {@code grads}.
     *
     * @param g the summed per-tile gradients: du, dv, dA, dB, dC, dOpacity, dR, dG, dB, dDepth
     */
    static void backward(GaussianModel m, int i, ViewParams vp, Projected pr, double[] g, float[][] grads, float[] meanGrad2d, Scratch s) {
        float[] pos = m.positions();
        double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
        double[] r = vp.r, t = vp.t;
        double x = r[0] * px + r[1] * py + r[2] * pz + t[0];
        double y = r[3] * px + r[4] * py + r[5] * pz + t[1];
        double z = r[6] * px + r[7] * py + r[8] * pz + t[2];
        float[] rot = m.rotations();
        double qw0 = rot[4 * i], qx0 = rot[4 * i + 1], qy0 = rot[4 * i + 2], qz0 = rot[4 * i + 3];
        double qn = Math.sqrt(qw0 * qw0 + qx0 * qx0 + qy0 * qy0 + qz0 * qz0);
        double qw = qw0 / qn, qx = qx0 / qn, qy = qy0 / qn, qz = qz0 / qn;
        float[] ls = m.logScales();
        double sx = Math.exp(ls[3 * i]), sy = Math.exp(ls[3 * i + 1]), sz = Math.exp(ls[3 * i + 2]);
        double r00 = 1 - 2 * (qy * qy + qz * qz), r01 = 2 * (qx * qy - qw * qz), r02 = 2 * (qx * qz + qw * qy);
        double r10 = 2 * (qx * qy + qw * qz), r11 = 1 - 2 * (qx * qx + qz * qz), r12 = 2 * (qy * qz - qw * qx);
        double r20 = 2 * (qx * qz - qw * qy), r21 = 2 * (qy * qz + qw * qx), r22 = 1 - 2 * (qx * qx + qy * qy);
        double m00 = r00 * sx, m01 = r01 * sy, m02 = r02 * sz;
        double m10 = r10 * sx, m11 = r11 * sy, m12 = r12 * sz;
        double m20 = r20 * sx, m21 = r21 * sy, m22 = r22 * sz;
        double s00 = m00 * m00 + m01 * m01 + m02 * m02, s01 = m00 * m10 + m01 * m11 + m02 * m12, s02 = m00 * m20 + m01 * m21 + m02 * m22;
        double s11 = m10 * m10 + m11 * m11 + m12 * m12, s12 = m10 * m20 + m11 * m21 + m12 * m22, s22 = m20 * m20 + m21 * m21 + m22 * m22;
        double txz = x / z, tyz = y / z;
        boolean clampX = txz < -vp.limX || txz > vp.limX, clampY = tyz < -vp.limY || tyz > vp.limY;
        double tx = Math.min(vp.limX, Math.max(-vp.limX, txz)) * z;
        double ty = Math.min(vp.limY, Math.max(-vp.limY, tyz)) * z;
        double fx = vp.fx, fy = vp.fy;
        double j00 = fx / z, j02 = -fx * tx / (z * z), j11 = fy / z, j12 = -fy * ty / (z * z);
        double t00 = j00 * r[0] + j02 * r[6], t01 = j00 * r[1] + j02 * r[7], t02 = j00 * r[2] + j02 * r[8];
        double t10 = j11 * r[3] + j12 * r[6], t11 = j11 * r[4] + j12 * r[7], t12 = j11 * r[5] + j12 * r[8];
        double a0 = t00 * s00 + t01 * s01 + t02 * s02, a1 = t00 * s01 + t01 * s11 + t02 * s12, a2 = t00 * s02 + t01 * s12 + t02 * s22;
        double b0 = t10 * s00 + t11 * s01 + t12 * s02, b1 = t10 * s01 + t11 * s11 + t12 * s12, b2 = t10 * s02 + t11 * s12 + t12 * s22;
        double ca = a0 * t00 + a1 * t01 + a2 * t02 + RasterConstants.LOW_PASS;
        double cb = a0 * t10 + a1 * t11 + a2 * t12;
        double cc = b0 * t10 + b1 * t11 + b2 * t12 + RasterConstants.LOW_PASS;
        double det = ca * cc - cb * cb;
        double kA = cc / det, kB = -cb / det, kC = ca / det;

        double dU = g[0], dV = g[1];
        double dLdpx = 0, dLdpy = 0, dLdpz = 0; // camera-space point
        // conic gradient as a symmetric matrix, then dL/dCov2 = -K G K
        double gA = g[2], gB = 0.5 * g[3], gC = g[4];
        // K G
        double kg00 = kA * gA + kB * gB, kg01 = kA * gB + kB * gC, kg10 = kB * gA + kC * gB, kg11 = kB * gB + kC * gC;
        // -(K G) K
        double c00 = -(kg00 * kA + kg01 * kB), c01 = -(kg00 * kB + kg01 * kC), c11 = -(kg10 * kB + kg11 * kC);
        // dL/dSigma = T^T Gc T (3x3 symmetric), with Gc = [[c00, c01], [c01, c11]]
        double gt00 = c00 * t00 + c01 * t10, gt01 = c00 * t01 + c01 * t11, gt02 = c00 * t02 + c01 * t12; // (Gc T) row 0
        double gt10 = c01 * t00 + c11 * t10, gt11 = c01 * t01 + c11 * t11, gt12 = c01 * t02 + c11 * t12; // (Gc T) row 1
        double ds00 = t00 * gt00 + t10 * gt10, ds01 = t00 * gt01 + t10 * gt11, ds02 = t00 * gt02 + t10 * gt12;
        double ds11 = t01 * gt01 + t11 * gt11, ds12 = t01 * gt02 + t11 * gt12, ds22 = t02 * gt02 + t12 * gt12;
        // dL/dT = 2 (Gc T) Sigma
        double dt00 = 2 * (gt00 * s00 + gt01 * s01 + gt02 * s02), dt01 = 2 * (gt00 * s01 + gt01 * s11 + gt02 * s12), dt02 = 2 * (gt00 * s02 + gt01 * s12 + gt02 * s22);
        double dt10 = 2 * (gt10 * s00 + gt11 * s01 + gt12 * s02), dt11 = 2 * (gt10 * s01 + gt11 * s11 + gt12 * s12), dt12 = 2 * (gt10 * s02 + gt11 * s12 + gt12 * s22);
        // T = J W: dJ00 = dT row0 . W row0, dJ02 = dT row0 . W row2, dJ11 = dT row1 . W row1, dJ12 = dT row1 . W row2
        double dj00 = dt00 * r[0] + dt01 * r[1] + dt02 * r[2];
        double dj02 = dt00 * r[6] + dt01 * r[7] + dt02 * r[8];
        double dj11 = dt10 * r[3] + dt11 * r[4] + dt12 * r[5];
        double dj12 = dt10 * r[6] + dt11 * r[7] + dt12 * r[8];
        double z2 = z * z, z3 = z2 * z;
        dLdpz += -fx / z2 * dj00 - fy / z2 * dj11;
        if (clampX) dLdpz += fx * tx / z3 * dj02; else { dLdpx += -fx / z2 * dj02; dLdpz += 2 * fx * tx / z3 * dj02; }
        if (clampY) dLdpz += fy * ty / z3 * dj12; else { dLdpy += -fy / z2 * dj12; dLdpz += 2 * fy * ty / z3 * dj12; }
        // 2D mean
        dLdpx += fx / z * dU;
        dLdpy += fy / z * dV;
        dLdpz += -fx * x / z2 * dU - fy * y / z2 * dV;
        // depth
        dLdpz += g[9];

        float[] gPos = grads[0];
        gPos[3 * i] += (float) (r[0] * dLdpx + r[3] * dLdpy + r[6] * dLdpz);
        gPos[3 * i + 1] += (float) (r[1] * dLdpx + r[4] * dLdpy + r[7] * dLdpz);
        gPos[3 * i + 2] += (float) (r[2] * dLdpx + r[5] * dLdpy + r[8] * dLdpz);
        meanGrad2d[2 * i] += (float) dU;
        meanGrad2d[2 * i + 1] += (float) dV;

        // Sigma = M M^T: dL/dM = 2 dSigma M (dSigma symmetric)
        double dm00 = 2 * (ds00 * m00 + ds01 * m10 + ds02 * m20), dm01 = 2 * (ds00 * m01 + ds01 * m11 + ds02 * m21), dm02 = 2 * (ds00 * m02 + ds01 * m12 + ds02 * m22);
        double dm10 = 2 * (ds01 * m00 + ds11 * m10 + ds12 * m20), dm11 = 2 * (ds01 * m01 + ds11 * m11 + ds12 * m21), dm12 = 2 * (ds01 * m02 + ds11 * m12 + ds12 * m22);
        double dm20 = 2 * (ds02 * m00 + ds12 * m10 + ds22 * m20), dm21 = 2 * (ds02 * m01 + ds12 * m11 + ds22 * m21), dm22 = 2 * (ds02 * m02 + ds12 * m12 + ds22 * m22);
        float[] gScale = grads[1];
        gScale[3 * i] += (float) ((dm00 * r00 + dm10 * r10 + dm20 * r20) * sx);
        gScale[3 * i + 1] += (float) ((dm01 * r01 + dm11 * r11 + dm21 * r21) * sy);
        gScale[3 * i + 2] += (float) ((dm02 * r02 + dm12 * r12 + dm22 * r22) * sz);
        // dL/dR = dM * diag(s)
        double g00 = dm00 * sx, g01 = dm01 * sy, g02 = dm02 * sz;
        double g10 = dm10 * sx, g11 = dm11 * sy, g12 = dm12 * sz;
        double g20 = dm20 * sx, g21 = dm21 * sy, g22 = dm22 * sz;
        double dqw = 2 * (-qz * g01 + qy * g02 + qz * g10 - qx * g12 - qy * g20 + qx * g21);
        double dqx = 2 * (qy * g01 + qz * g02 + qy * g10 - 2 * qx * g11 - qw * g12 + qz * g20 + qw * g21 - 2 * qx * g22);
        double dqy = 2 * (-2 * qy * g00 + qx * g01 + qw * g02 + qx * g10 + qz * g12 - qw * g20 + qz * g21 - 2 * qy * g22);
        double dqz = 2 * (-2 * qz * g00 - qw * g01 + qx * g02 + qw * g10 - 2 * qz * g11 + qy * g12 + qx * g20 + qy * g21);
        double dot = qw * dqw + qx * dqx + qy * dqy + qz * dqz;
        float[] gRot = grads[2];
        gRot[4 * i] += (float) ((dqw - qw * dot) / qn);
        gRot[4 * i + 1] += (float) ((dqx - qx * dot) / qn);
        gRot[4 * i + 2] += (float) ((dqy - qy * dot) / qn);
        gRot[4 * i + 3] += (float) ((dqz - qz * dot) / qn);

        // opacity
        double o = pr.opacity[i];
        grads[3][i] += (float) (g[5] * o * (1 - o));

        // colour -> SH coefficients and view direction
        int deg = m.shDegree();
        double dx = px - vp.centre[0], dy = py - vp.centre[1], dz = pz - vp.centre[2];
        double dn = Math.sqrt(dx * dx + dy * dy + dz * dz);
        double nx = dx / dn, ny = dy / dn, nz = dz / dn;
        double[] b = s.basis;
        SphericalHarmonics.basis(deg, nx, ny, nz, b);
        int nCoef = SphericalHarmonics.coefficients(deg);
        int clampBits = pr.clamped[i];
        double dr = (clampBits & 1) != 0 ? 0 : g[6];
        double dg = (clampBits & 2) != 0 ? 0 : g[7];
        double db = (clampBits & 4) != 0 ? 0 : g[8];
        float[] gDc = grads[4], gRest = grads[5];
        gDc[3 * i] += (float) (b[0] * dr);
        gDc[3 * i + 1] += (float) (b[0] * dg);
        gDc[3 * i + 2] += (float) (b[0] * db);
        if (deg > 0) {
            float[] rest = m.shRest();
            double[] w = s.weight;
            for (int k = 1; k < nCoef; k++) {
                int o3 = 45 * i + 3 * (k - 1);
                gRest[o3] += (float) (b[k] * dr);
                gRest[o3 + 1] += (float) (b[k] * dg);
                gRest[o3 + 2] += (float) (b[k] * db);
                w[k] = rest[o3] * dr + rest[o3 + 1] * dg + rest[o3 + 2] * db;
            }
            double[] gd = s.g3;
            gd[0] = 0; gd[1] = 0; gd[2] = 0;
            SphericalHarmonics.gradient(deg, nx, ny, nz, w, gd);
            double ndot = nx * gd[0] + ny * gd[1] + nz * gd[2];
            gPos[3 * i] += (float) ((gd[0] - nx * ndot) / dn);
            gPos[3 * i + 1] += (float) ((gd[1] - ny * ndot) / dn);
            gPos[3 * i + 2] += (float) ((gd[2] - nz * ndot) / dn);
        }
    }
}
