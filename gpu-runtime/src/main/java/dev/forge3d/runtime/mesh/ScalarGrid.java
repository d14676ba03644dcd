package dev.forge3d.runtime.mesh;

/**
 * Samples of a scalar field (and optionally an RGB field) on a regular grid: sample (i, j, k) sits at
 * {@code origin + (i, j, k) * spacing}; values are stored x-fastest.
 */
public final class ScalarGrid {
    final int nx, ny, nz;
    final double ox, oy, oz, spacing;
    final float[] values;
    final float[] rgb;

    public ScalarGrid(int nx, int ny, int nz, double ox, double oy, double oz, double spacing, boolean withColour) {
        if (nx < 2 || ny < 2 || nz < 2) throw new IllegalArgumentException("grid needs at least 2 samples per axis");
        this.nx = nx; this.ny = ny; this.nz = nz;
        this.ox = ox; this.oy = oy; this.oz = oz; this.spacing = spacing;
        long n = (long) nx * ny * nz;
        if (n > Integer.MAX_VALUE / 3) throw new IllegalArgumentException("grid too large: " + nx + "x" + ny + "x" + nz);
        this.values = new float[(int) n];
        this.rgb = withColour ? new float[(int) n * 3] : null;
    }

    public int index(int i, int j, int k) { return i + nx * (j + ny * k); }

    public float value(int i, int j, int k) { return values[index(i, j, k)]; }

    public void set(int i, int j, int k, float v) { values[index(i, j, k)] = v; }

    public int nx() { return nx; }
    public int ny() { return ny; }
    public int nz() { return nz; }
    public double spacing() { return spacing; }
    public float[] values() { return values; }

    /** Trilinear interpolation of the colour field at a world position (clamped to the grid). */
    void colourAt(double x, double y, double z, float[] out, int off) {
        double fx = clamp((x - ox) / spacing, nx - 1), fy = clamp((y - oy) / spacing, ny - 1), fz = clamp((z - oz) / spacing, nz - 1);
        int i = Math.min((int) fx, nx - 2), j = Math.min((int) fy, ny - 2), k = Math.min((int) fz, nz - 2);
        double tx = fx - i, ty = fy - j, tz = fz - k;
        for (int c = 0; c < 3; c++) {
            double v = 0;
            for (int corner = 0; corner < 8; corner++) {
                int di = corner & 1, dj = (corner >> 1) & 1, dk = (corner >> 2) & 1;
                double w = (di == 1 ? tx : 1 - tx) * (dj == 1 ? ty : 1 - ty) * (dk == 1 ? tz : 1 - tz);
                v += w * rgb[3 * index(i + di, j + dj, k + dk) + c];
            }
            out[off + c] = (float) v;
        }
    }

    private static double clamp(double v, int max) { return v < 0 ? 0 : Math.min(v, max); }
}
