package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;

import java.util.Arrays;

/**
 * Initial Gaussians as in 3DGS: one per point, isotropic scale = sqrt(mean squared distance to the 3 nearest
 * neighbours), identity rotation, opacity 0.1, DC colour from the point colour. Scenes without points (synthetic)
 * get uniformly random points in a cube with near-grey colours.
 */
public final class GaussianInitializer {

    private GaussianInitializer() { }

    /** {@code count} random points in [-half, half]^3 with SH DC uniform in [0, 1/255) (3DGS's Blender init). */
    public static GaussianModel random(int count, double half, Rng rng) {
        float[] pts = new float[3 * count];
        float[] dc = new float[3 * count];
        for (int i = 0; i < 3 * count; i++) {
            pts[i] = (float) ((rng.nextDouble() * 2 - 1) * half);
            dc[i] = (float) (rng.nextDouble() / 255.0);
        }
        return build(pts, dc);
    }

    /** From points with RGB colours in [0, 1]. */
    public static GaussianModel fromPoints(float[] points, float[] colours) {
        float[] dc = new float[colours.length];
        for (int i = 0; i < dc.length; i++) dc[i] = GaussianModel.rgbToSh(colours[i]);
        return build(points, dc);
    }

    /** From points with RGB colours in [0, 1] and the centres and DC colours of {@code more} (e.g. random ones). */
    public static GaussianModel fromPointsAndModel(float[] points, float[] colours, GaussianModel more) {
        int n = points.length / 3, m = more.size();
        float[] pts = Arrays.copyOf(points, 3 * (n + m));
        float[] dc = new float[3 * (n + m)];
        for (int i = 0; i < 3 * n; i++) dc[i] = GaussianModel.rgbToSh(colours[i]);
        System.arraycopy(more.positions(), 0, pts, 3 * n, 3 * m);
        System.arraycopy(more.shDc(), 0, dc, 3 * n, 3 * m);
        return build(pts, dc);
    }

    private static GaussianModel build(float[] pts, float[] dc) {
        int n = pts.length / 3;
        if (n == 0) throw new IllegalArgumentException("no initial points");
        float[] d2 = meanSquaredDistanceTo3Nearest(pts);
        GaussianModel m = new GaussianModel(n);
        System.arraycopy(pts, 0, m.positions(), 0, 3 * n);
        System.arraycopy(dc, 0, m.shDc(), 0, 3 * n);
        float[] ls = m.logScales(), rot = m.rotations(), op = m.opacityLogits();
        float logit = GaussianModel.logit(0.1f);
        for (int i = 0; i < n; i++) {
            float s = (float) Math.log(Math.sqrt(Math.max(d2[i], 1e-7f)));
            ls[3 * i] = s; ls[3 * i + 1] = s; ls[3 * i + 2] = s;
            rot[4 * i] = 1;
            op[i] = logit;
        }
        return m;
    }

    /** Mean squared distance of each point to its 3 nearest other points (uniform grid search). */
    public static float[] meanSquaredDistanceTo3Nearest(float[] p) {
        int n = p.length / 3;
        float[] out = new float[n];
        if (n < 2) { Arrays.fill(out, 0.01f); return out; }
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE}, hi = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], p[3 * i + k]); hi[k] = Math.max(hi[k], p[3 * i + k]); }
        double vol = 1;
        for (int k = 0; k < 3; k++) vol *= Math.max(1e-6, hi[k] - lo[k]);
        double cell = Math.max(1e-6, Math.cbrt(vol * 4 / n));
        int[] dims = new int[3];
        for (int k = 0; k < 3; k++) dims[k] = Math.max(1, Math.min(1024, (int) Math.ceil((hi[k] - lo[k]) / cell) + 1));
        long cellsL = (long) dims[0] * dims[1] * dims[2];
        if (cellsL > 50_000_000L) throw new IllegalArgumentException("point cloud too spread out for the neighbour grid");
        int cells = (int) cellsL;
        int[] cellOf = new int[n];
        int[] start = new int[cells + 1];
        for (int i = 0; i < n; i++) {
            int cx = (int) ((p[3 * i] - lo[0]) / cell), cy = (int) ((p[3 * i + 1] - lo[1]) / cell), cz = (int) ((p[3 * i + 2] - lo[2]) / cell);
            cx = Math.min(dims[0] - 1, cx); cy = Math.min(dims[1] - 1, cy); cz = Math.min(dims[2] - 1, cz);
            cellOf[i] = (cz * dims[1] + cy) * dims[0] + cx;
            start[cellOf[i] + 1]++;
        }
        for (int c = 0; c < cells; c++) start[c + 1] += start[c];
        int[] items = new int[n];
        int[] fill = Arrays.copyOf(start, cells);
        for (int i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            int c = cellOf[i];
            int cx = c % dims[0], cy = (c / dims[0]) % dims[1], cz = c / (dims[0] * dims[1]);
            float b0 = Float.MAX_VALUE, b1 = Float.MAX_VALUE, b2 = Float.MAX_VALUE;
            for (int ring = 1; ; ring++) {
                b0 = b1 = b2 = Float.MAX_VALUE;
                for (int z = Math.max(0, cz - ring); z <= Math.min(dims[2] - 1, cz + ring); z++)
                    for (int y = Math.max(0, cy - ring); y <= Math.min(dims[1] - 1, cy + ring); y++)
                        for (int x = Math.max(0, cx - ring); x <= Math.min(dims[0] - 1, cx + ring); x++) {
                            int cc = (z * dims[1] + y) * dims[0] + x;
                            for (int k = start[cc]; k < start[cc + 1]; k++) {
                                int j = items[k];
                                if (j == i) continue;
                                float dx = p[3 * j] - p[3 * i], dy = p[3 * j + 1] - p[3 * i + 1], dz = p[3 * j + 2] - p[3 * i + 2];
                                float d = dx * dx + dy * dy + dz * dz;
                                if (d < b2) {
                                    if (d < b1) { b2 = b1; if (d < b0) { b1 = b0; b0 = d; } else b1 = d; } else b2 = d;
                                }
                            }
                        }
                double reach = ring * cell;
                boolean covers = cx - ring <= 0 && cy - ring <= 0 && cz - ring <= 0
                        && cx + ring >= dims[0] - 1 && cy + ring >= dims[1] - 1 && cz + ring >= dims[2] - 1;
                // every point within distance `reach` has been seen, so the 3 best are final once b2 <= reach^2
                if (b2 <= reach * reach || covers) break;
            }
            int found = b2 < Float.MAX_VALUE ? 3 : (b1 < Float.MAX_VALUE ? 2 : 1);
            out[i] = found == 3 ? (b0 + b1 + b2) / 3 : (found == 2 ? (b0 + b1) / 2 : b0);
        });
        return out;
    }
}
