package dev.forge3d.runtime.mesh;

import dev.forge3d.runtime.splat.GaussianModel;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Samples the density of a set of 3D Gaussians, {@code sum_i opacity_i * exp(-1/2 d^T Sigma_i^-1 d)}, and their
 * density-weighted colour on a regular grid. Each Gaussian touches only the samples within 3 sigma of its mean;
 * z-slabs of the grid are filled in parallel, each by one thread, so no two threads write the same sample.
 */
public final class GaussianDensityGrid {

    private GaussianDensityGrid() { }

    /**
     * A splat model's Gaussians as {@link #sample} takes them (copies): opacities through the sigmoid, colours from the
     * view-independent (DC) SH term, which holds display values, converted to the linear colours glTF wants.
     */
    public record Splats(float[] means, float[] logScales, float[] quats, float[] opacities, float[] colours) {
        public static Splats of(GaussianModel model) {
            int n = model.size();
            float[] op = new float[n], rgb = new float[3 * n], dc = model.shDc(), logits = model.opacityLogits();
            for (int i = 0; i < n; i++) {
                op[i] = GaussianModel.sigmoid(logits[i]);
                for (int k = 0; k < 3; k++) rgb[3 * i + k] = Srgb.toLinear(0.5f + GaussianModel.SH_C0 * dc[3 * i + k]);
            }
            return new Splats(Arrays.copyOf(model.positions(), 3 * n), Arrays.copyOf(model.logScales(), 3 * n),
                    Arrays.copyOf(model.rotations(), 4 * n), op, rgb);
        }

        /** {@link GaussianDensityGrid#sample} of these Gaussians. */
        public ScalarGrid sample(double[] min, double size, int resolution) {
            return GaussianDensityGrid.sample(means, logScales, quats, opacities, colours, min, size, resolution);
        }
    }

    /**
     * @param means        xyz per Gaussian
     * @param logScales    log standard deviations along the Gaussian's axes
     * @param quats        rotation quaternions (w, x, y, z), need not be normalised
     * @param opacities    opacity per Gaussian, 0..1 (already through the sigmoid)
     * @param colours      linear RGB per Gaussian, 0..1
     * @param min          lower corner of the sampled box
     * @param size         edge length of the (cubic) sampled box
     * @param resolution   samples per axis
     */
    public static ScalarGrid sample(float[] means, float[] logScales, float[] quats, float[] opacities, float[] colours,
                                    double[] min, double size, int resolution) {
        int n = opacities.length;
        double spacing = size / (resolution - 1);
        ScalarGrid g = new ScalarGrid(resolution, resolution, resolution, min[0], min[1], min[2], spacing, true);
        // Precompute each Gaussian's inverse covariance (6 terms) and its 3-sigma box in grid indices.
        double[] inv = new double[6 * n];
        int[] box = new int[6 * n];
        for (int i = 0; i < n; i++) precompute(i, means, logScales, quats, min, spacing, resolution, inv, box);
        int slabs = Math.min(resolution, Runtime.getRuntime().availableProcessors() * 4);
        float[] weight = new float[g.values.length];
        IntStream.range(0, slabs).parallel().forEach(s -> {
            int k0 = s * resolution / slabs, k1 = (s + 1) * resolution / slabs;
            for (int i = 0; i < n; i++) {
                int kl = Math.max(box[6 * i + 4], k0), kh = Math.min(box[6 * i + 5], k1 - 1);
                if (kl > kh || opacities[i] <= 0) continue;
                double mx = means[3 * i], my = means[3 * i + 1], mz = means[3 * i + 2];
                double a = inv[6 * i], b = inv[6 * i + 1], c = inv[6 * i + 2], d = inv[6 * i + 3], e = inv[6 * i + 4], f = inv[6 * i + 5];
                for (int k = kl; k <= kh; k++) {
                    double dz = min[2] + k * spacing - mz;
                    for (int j = box[6 * i + 2]; j <= box[6 * i + 3]; j++) {
                        double dy = min[1] + j * spacing - my;
                        int row = g.index(0, j, k);
                        for (int x = box[6 * i]; x <= box[6 * i + 1]; x++) {
                            double dx = min[0] + x * spacing - mx;
                            double m = a * dx * dx + d * dy * dy + f * dz * dz + 2 * (b * dx * dy + c * dx * dz + e * dy * dz);
                            if (m > 9) continue;
                            float w = (float) (opacities[i] * Math.exp(-0.5 * m));
                            int s3 = row + x;
                            g.values[s3] += w;
                            weight[s3] += w;
                            g.rgb[3 * s3] += w * colours[3 * i];
                            g.rgb[3 * s3 + 1] += w * colours[3 * i + 1];
                            g.rgb[3 * s3 + 2] += w * colours[3 * i + 2];
                        }
                    }
                }
            }
        });
        for (int s = 0; s < weight.length; s++) {
            if (weight[s] > 1e-12f) {
                for (int c = 0; c < 3; c++) g.rgb[3 * s + c] /= weight[s];
            }
        }
        fillEmptyColours(g, weight);
        return g;
    }

    private static void precompute(int i, float[] means, float[] logScales, float[] quats, double[] min, double spacing,
                                   int res, double[] inv, int[] box) {
        double w = quats[4 * i], x = quats[4 * i + 1], y = quats[4 * i + 2], z = quats[4 * i + 3];
        double qn = Math.sqrt(w * w + x * x + y * y + z * z);
        if (qn == 0) { w = 1; qn = 1; }
        w /= qn; x /= qn; y /= qn; z /= qn;
        double[] r = {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
        double[] s = new double[3], is2 = new double[3];
        for (int a = 0; a < 3; a++) {
            s[a] = Math.max(Math.exp(logScales[3 * i + a]), 1e-6);
            is2[a] = 1 / (s[a] * s[a]);
        }
        // Sigma^-1 = R diag(1/s^2) R^T; Sigma = R diag(s^2) R^T gives the axis-aligned extent.
        double[] m = new double[9], cov = new double[9];
        for (int p = 0; p < 3; p++) {
            for (int q = 0; q < 3; q++) {
                double vi = 0, vc = 0;
                for (int a = 0; a < 3; a++) {
                    vi += r[3 * p + a] * is2[a] * r[3 * q + a];
                    vc += r[3 * p + a] * s[a] * s[a] * r[3 * q + a];
                }
                m[3 * p + q] = vi;
                cov[3 * p + q] = vc;
            }
        }
        inv[6 * i] = m[0]; inv[6 * i + 1] = m[1]; inv[6 * i + 2] = m[2];
        inv[6 * i + 3] = m[4]; inv[6 * i + 4] = m[5]; inv[6 * i + 5] = m[8];
        for (int a = 0; a < 3; a++) {
            double radius = 3 * Math.sqrt(cov[4 * a]);
            double centre = means[3 * i + a];
            box[6 * i + 2 * a] = Math.max(0, (int) Math.ceil((centre - radius - min[a]) / spacing));
            box[6 * i + 2 * a + 1] = Math.min(res - 1, (int) Math.floor((centre + radius - min[a]) / spacing));
        }
    }

    /**
     * Gives samples that no Gaussian reached the colour of a reached neighbour, layer by layer outwards until every
     * sample has one, so that interpolating colours at surface vertices (which mix reached and unreached samples, or
     * for a surface not made from the density, such as a visual hull, may lie in unreached space) does not darken them
     * towards black.
     */
    private static void fillEmptyColours(ScalarGrid g, float[] weight) {
        boolean[] known = new boolean[weight.length];
        boolean any = false;
        for (int s = 0; s < weight.length; s++) any |= known[s] = weight[s] > 1e-12f;
        for (boolean grew = any; grew; ) {
            grew = false;
            boolean[] next = known.clone();
            for (int k = 0; k < g.nz; k++) for (int j = 0; j < g.ny; j++) for (int i = 0; i < g.nx; i++) {
                int s = g.index(i, j, k);
                if (known[s]) continue;
                float r = 0, gr = 0, b = 0;
                int cnt = 0;
                for (int q = 0; q < 6; q++) {
                    int a = i + (q == 0 ? -1 : q == 1 ? 1 : 0), bb = j + (q == 2 ? -1 : q == 3 ? 1 : 0), c = k + (q == 4 ? -1 : q == 5 ? 1 : 0);
                    if (a < 0 || bb < 0 || c < 0 || a >= g.nx || bb >= g.ny || c >= g.nz) continue;
                    int t = g.index(a, bb, c);
                    if (!known[t]) continue;
                    r += g.rgb[3 * t]; gr += g.rgb[3 * t + 1]; b += g.rgb[3 * t + 2];
                    cnt++;
                }
                if (cnt > 0) {
                    g.rgb[3 * s] = r / cnt; g.rgb[3 * s + 1] = gr / cnt; g.rgb[3 * s + 2] = b / cnt;
                    next[s] = true;
                    grew = true;
                }
            }
            known = next;
        }
    }
}
