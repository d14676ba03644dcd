package dev.forge3d.runtime.mesh;

import java.util.Arrays;

/**
 * Gaussians to a coloured triangle mesh: density grid over the Gaussians' robust bounding box, marching cubes
 * at {@code iso}, then decimation to a triangle budget.
 */
public final class MeshExtractor {

    /**
     * @param resolution   grid samples per axis
     * @param iso          density level of the surface (a solid region of overlapping opaque Gaussians sits near 1)
     * @param maxTriangles triangle budget after decimation
     */
    public record Options(int resolution, float iso, int maxTriangles) {
        public static Options defaults() { return new Options(128, 0.5f, 60_000); }
    }

    private MeshExtractor() { }

    /**
     * Meshes a splat model: opacities through the sigmoid, colours from the view-independent (DC) SH term, which holds
     * display values, converted to the linear colours glTF wants.
     */
    public static TriangleMesh extract(dev.forge3d.runtime.splat.GaussianModel model, Options opt) {
        GaussianDensityGrid.Splats s = GaussianDensityGrid.Splats.of(model);
        return extract(s.means(), s.logScales(), s.quats(), s.opacities(), s.colours(), opt);
    }

    /** Arrays as in {@link GaussianDensityGrid#sample}; opacities in 0..1, colours linear RGB 0..1. */
    public static TriangleMesh extract(float[] means, float[] logScales, float[] quats, float[] opacities, float[] colours, Options opt) {
        double[][] box = robustBounds(means, opacities);
        double size = 0;
        for (int a = 0; a < 3; a++) size = Math.max(size, box[1][a] - box[0][a]);
        double pad = 0.08 * size + 1e-6;
        size += 2 * pad;
        double[] min = new double[3];
        for (int a = 0; a < 3; a++) min[a] = 0.5 * (box[0][a] + box[1][a]) - 0.5 * size;
        ScalarGrid grid = GaussianDensityGrid.sample(means, logScales, quats, opacities, colours, min, size, opt.resolution());
        TriangleMesh mesh = MarchingCubes.extract(grid, opt.iso());
        if (mesh.triangleCount() == 0) {
            throw new IllegalStateException("no surface found: the Gaussians' density never reaches " + opt.iso()
                    + " (the model is empty or too transparent)");
        }
        return MeshDecimator.decimate(mesh, opt.maxTriangles());
    }

    /** The 1st..99th percentile box of the reasonably opaque Gaussians' centres, so stray floaters do not stretch the grid. */
    static double[][] robustBounds(float[] means, float[] opacities) {
        int n = opacities.length, kept = 0;
        for (float o : opacities) if (o > 0.1f) kept++;
        boolean all = kept < 8;
        if (all) kept = n;
        if (kept == 0) throw new IllegalArgumentException("no Gaussians to mesh");
        double[][] box = new double[2][3];
        for (int a = 0; a < 3; a++) {
            float[] v = new float[kept];
            int m = 0;
            for (int i = 0; i < n; i++) if (all || opacities[i] > 0.1f) v[m++] = means[3 * i + a];
            Arrays.sort(v);
            box[0][a] = v[(int) Math.floor(0.01 * (kept - 1))];
            box[1][a] = v[(int) Math.ceil(0.99 * (kept - 1))];
        }
        return box;
    }
}
