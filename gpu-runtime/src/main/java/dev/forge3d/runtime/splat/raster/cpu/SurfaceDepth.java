package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterConstants;

/**
 * Surface depth stage ({@code RasterSettings.surfaceDepth}): per pixel, the depth at which the ray's opacity reaches
 * 1/2 in the Gaussians' opacity field (Gaussian Opacity Fields, Yu et al. 2024). Along a pixel's ray a Gaussian's
 * opacity rises as {@code alpha exp(-(t - t*)^2 / (2 sigma^2))} up to its density peak {@code t*} and stays at its
 * 2D alpha behind it; the ray's opacity is {@code 1 - prod (1 - alpha_k(t))}. The alphas are the blending stage's
 * (same conic, cut-offs and clamp); {@code t*} and {@code sigma} come from the Gaussian's 3D covariance and the ray:
 * {@code t* = mu^T Q x / x^T Q x}, {@code sigma^2 = 1 / x^T Q x} ({@code Q} the inverse covariance in the camera
 * frame, {@code x} the ray with {@code x_z = 1}, so t is the camera-space z). Pixel-major and scalar: it runs on depth
 * maps for meshing, not in training.
 */
final class SurfaceDepth {

    /** Opacity at which the surface lies. */
    static final double LEVEL = 0.5;
    /** Gaussians behind the first one that brings the ray to LEVEL whose rise may still start in front of it. */
    static final int LOOK_BEHIND = 8;
    static final int MAX_LAYERS = 96;

    private double[] mean = new double[0];      // camera frame, 3 per Gaussian
    private double[] precision = new double[0]; // camera-frame inverse covariance: q00 q01 q02 q11 q12 q22
    private double[] minPower = new double[0];  // ln(ALPHA_MIN / opacity): below it the Gaussian's alpha is cut off

    /** Room for n Gaussians (grown on demand, reused across renders). */
    void ensure(int n) {
        if (mean.length < 3 * n) {
            mean = new double[3 * n];
            precision = new double[6 * n];
            minPower = new double[n];
        }
    }

    /** Camera-frame mean and inverse covariance of Gaussian i, if projection kept it (called in parallel over i). */
    void prepare(GaussianModel m, int i, ViewParams vp, Projected pr) {
        if (pr.radius[i] == 0) return;
        minPower[i] = Math.log(RasterConstants.ALPHA_MIN / pr.opacity[i]);
        double[] r = vp.r, t = vp.t;
        float[] pos = m.positions();
        double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
        for (int a = 0; a < 3; a++) mean[3 * i + a] = r[3 * a] * px + r[3 * a + 1] * py + r[3 * a + 2] * pz + t[a];
        float[] rot = m.rotations(), ls = m.logScales();
        double qw = rot[4 * i], qx = rot[4 * i + 1], qy = rot[4 * i + 2], qz = rot[4 * i + 3];
        double qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        qw /= qn; qx /= qn; qy /= qn; qz /= qn;
        // world-frame axes R e_k, then in the camera frame, each divided by its scale: Q = sum c_k c_k^T
        double[][] axes = {
                {1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy + qw * qz), 2 * (qx * qz - qw * qy)},
                {2 * (qx * qy - qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz + qw * qx)},
                {2 * (qx * qz + qw * qy), 2 * (qy * qz - qw * qx), 1 - 2 * (qx * qx + qy * qy)}};
        double q00 = 0, q01 = 0, q02 = 0, q11 = 0, q12 = 0, q22 = 0;
        for (int k = 0; k < 3; k++) {
            double inv = Math.exp(-ls[3 * i + k]);
            double[] w = axes[k];
            double c0 = (r[0] * w[0] + r[1] * w[1] + r[2] * w[2]) * inv;
            double c1 = (r[3] * w[0] + r[4] * w[1] + r[5] * w[2]) * inv;
            double c2 = (r[6] * w[0] + r[7] * w[1] + r[8] * w[2]) * inv;
            q00 += c0 * c0; q01 += c0 * c1; q02 += c0 * c2; q11 += c1 * c1; q12 += c1 * c2; q22 += c2 * c2;
        }
        int b = 6 * i;
        precision[b] = q00; precision[b + 1] = q01; precision[b + 2] = q02;
        precision[b + 3] = q11; precision[b + 4] = q12; precision[b + 5] = q22;
    }

    /** Per-thread layers of one pixel: alpha, peak depth, 1 / sigma^2. */
    static final class Layers {
        final double[] alpha = new double[MAX_LAYERS], peak = new double[MAX_LAYERS], sharp = new double[MAX_LAYERS];
    }

    /** Writes the surface depth of every pixel of one tile into {@code f.depth} (NaN where the ray stays under LEVEL). */
    void tile(int tile, ViewParams vp, Projected pr, TileBins bins, TileBlender.Frame f, Layers layers) {
        int T = RasterConstants.TILE;
        int tx = tile % vp.tilesX, ty = tile / vp.tilesX;
        int x0 = tx * T, y0 = ty * T;
        int tw = Math.min(T, vp.width - x0), th = Math.min(T, vp.height - y0);
        int start = bins.tileStart[tile], end = bins.tileStart[tile + 1];
        for (int ly = 0; ly < th; ly++) {
            for (int lx = 0; lx < tw; lx++) {
                int x = x0 + lx, y = y0 + ly, pix = y * vp.width + x;
                // the blending stage's transmittance says whether the ray ever reaches LEVEL: most of a scene's
                // pixels that do not are not worth a walk through the whole tile list
                f.depth[pix] = f.finalT[pix] > 1 - LEVEL + 1e-3 ? Float.NaN
                        : (float) pixel(x + 0.5, y + 0.5, vp, pr, bins, start, end, layers);
            }
        }
    }

    private double pixel(double px, double py, ViewParams vp, Projected pr, TileBins bins, int start, int end, Layers l) {
        double rx = (px - vp.cx) / vp.fx, ry = (py - vp.cy) / vp.fy;
        double transmittance = 1, far = Double.NaN;
        int count = 0, behind = 0;
        for (int j = start; j < end && count < MAX_LAYERS; j++) {
            int g = bins.list[j];
            double dx = pr.u[g] - px, dy = pr.v[g] - py;
            double power = -0.5 * (pr.conA[g] * dx * dx + pr.conC[g] * dy * dy) - pr.conB[g] * dx * dy;
            // alpha = opacity e^power >= ALPHA_MIN, tested without the exponential
            if (power > 0 || power < minPower[g]) continue;
            int b = 6 * g;
            double q0 = precision[b] * rx + precision[b + 1] * ry + precision[b + 2];
            double q1 = precision[b + 1] * rx + precision[b + 3] * ry + precision[b + 4];
            double q2 = precision[b + 2] * rx + precision[b + 4] * ry + precision[b + 5];
            double xqx = rx * q0 + ry * q1 + q2;
            if (!(xqx > 0) || Double.isInfinite(xqx)) continue;
            double peak = (mean[3 * g] * q0 + mean[3 * g + 1] * q1 + mean[3 * g + 2] * q2) / xqx;
            if (!Double.isNaN(far)) {
                // past the Gaussian that brought the ray to LEVEL: only a rise that starts in front of it matters
                if (++behind > LOOK_BEHIND) break;
                if (peak - 4 / Math.sqrt(xqx) >= far) continue;
            }
            double alpha = Math.min(RasterConstants.ALPHA_MAX, pr.opacity[g] * Math.exp(power));
            if (alpha < RasterConstants.ALPHA_MIN) continue;
            l.alpha[count] = alpha; l.peak[count] = peak; l.sharp[count] = xqx;
            count++;
            transmittance *= 1 - alpha;
            if (Double.isNaN(far) && transmittance <= 1 - LEVEL) {
                far = 0;
                for (int k = 0; k < count; k++) far = Math.max(far, l.peak[k]);
            }
        }
        if (Double.isNaN(far)) return Double.NaN;
        // every layer is at its full alpha at `far`, so the ray's opacity there is >= LEVEL; bisect its first crossing
        double near = far;
        for (int k = 0; k < count; k++) near = Math.min(near, l.peak[k] - 5 / Math.sqrt(l.sharp[k]));
        for (int it = 0; it < 40 && far - near > 1e-4 * far; it++) {
            double mid = 0.5 * (near + far);
            if (transmittanceAt(mid, l, count) <= 1 - LEVEL) far = mid; else near = mid;
        }
        return far;
    }

    private static double transmittanceAt(double t, Layers l, int count) {
        double tr = 1;
        for (int k = 0; k < count; k++) {
            double d = t - l.peak[k];
            if (d >= 0) { tr *= 1 - l.alpha[k]; continue; }
            double e = 0.5 * d * d * l.sharp[k];
            if (e < 20) tr *= 1 - l.alpha[k] * Math.exp(-e); // further in front its rise has not begun (e^-20)
        }
        return tr;
    }
}
