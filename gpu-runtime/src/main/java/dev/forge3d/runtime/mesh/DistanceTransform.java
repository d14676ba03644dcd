package dev.forge3d.runtime.mesh;

import java.util.stream.IntStream;

/**
 * Exact Euclidean distance transform of a voxel mask (Felzenszwalb and Huttenlocher 2012: the lower envelope of
 * parabolas, one pass per axis): for every voxel, the distance in voxels to the nearest voxel of the mask.
 */
public final class DistanceTransform {

    private static final double FAR = 1e20;

    private DistanceTransform() { }

    /**
     * @param mask x-fastest, {@code nx * ny * nz} entries
     * @return per voxel the distance to the nearest masked voxel (0 on the mask; very large when the mask is empty)
     */
    public static float[] distance(boolean[] mask, int nx, int ny, int nz) {
        int n = nx * ny * nz;
        if (mask.length != n) throw new IllegalArgumentException("mask has " + mask.length + " entries, grid " + n);
        double[] f = new double[n];
        for (int i = 0; i < n; i++) f[i] = mask[i] ? 0 : FAR;
        // x lines, then y lines, then z lines: each pass turns per-line squared distances into the next axis' input
        pass(f, nx, 1, ny * nz, idx -> idx * nx);
        pass(f, ny, nx, nx * nz, idx -> (idx % nx) + (idx / nx) * nx * ny);
        pass(f, nz, nx * ny, nx * ny, idx -> idx);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) Math.sqrt(f[i]);
        return out;
    }

    private interface LineStart { int of(int line); }

    private static void pass(double[] f, int len, int stride, int lines, LineStart start) {
        IntStream.range(0, lines).parallel().forEach(line -> {
            int s = start.of(line);
            double[] in = new double[len], out = new double[len], z = new double[len + 1];
            int[] v = new int[len];
            for (int q = 0; q < len; q++) in[q] = f[s + q * stride];
            envelope(in, out, v, z);
            for (int q = 0; q < len; q++) f[s + q * stride] = out[q];
        });
    }

    /** One-dimensional squared distance transform of the sampled function {@code f}. */
    static void envelope(double[] f, double[] d, int[] v, double[] z) {
        int n = f.length, k = 0;
        // Lines with nothing on them stay far (the parabolas of FAR samples would only add rounding).
        boolean any = false;
        for (double x : f) if (x < FAR) { any = true; break; }
        if (!any) { System.arraycopy(f, 0, d, 0, n); return; }
        int first = 0;
        while (f[first] >= FAR) first++;
        v[0] = first;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = first + 1; q < n; q++) {
            if (f[q] >= FAR) continue;
            int p = v[k];
            double s = ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
            while (s <= z[k]) { // z[0] is minus infinity, so k stays >= 0
                k--;
                p = v[k];
                s = ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) k++;
            double dq = q - v[k];
            d[q] = dq * dq + f[v[k]];
        }
    }
}
