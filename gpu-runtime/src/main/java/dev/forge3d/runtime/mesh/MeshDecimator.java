package dev.forge3d.runtime.mesh;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reduces a mesh's triangle count by vertex clustering with quadric error representatives (Lindstrom 2000):
 * vertices are grouped in cubic cells, each cell becomes one vertex placed where the summed plane quadrics of its
 * triangles are smallest (so flat areas stay flat and creases stay sharp), and triangles that collapse are dropped.
 * The cell size is refined until the mesh fits the triangle budget.
 */
public final class MeshDecimator {

    private MeshDecimator() { }

    /** Decimates until at most {@code maxTriangles} remain (returns the input when it already fits). */
    public static TriangleMesh decimate(TriangleMesh mesh, int maxTriangles) {
        if (mesh.triangleCount() <= maxTriangles) return mesh;
        float[] p = mesh.positions();
        double extent = 0;
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < p.length; i++) { min[i % 3] = Math.min(min[i % 3], p[i]); max[i % 3] = Math.max(max[i % 3], p[i]); }
        for (int c = 0; c < 3; c++) extent = Math.max(extent, max[c] - min[c]);
        // Triangle count scales with the square of the cells per axis; start from that estimate and shrink.
        double cellsPerAxis = Math.sqrt(maxTriangles / 2.0);
        TriangleMesh out = mesh;
        for (int attempt = 0; attempt < 12 && out.triangleCount() > maxTriangles; attempt++) {
            out = cluster(mesh, extent / cellsPerAxis, min);
            cellsPerAxis *= 0.85;
        }
        return out;
    }

    /** One clustering pass with cubic cells of the given size anchored at {@code origin}. */
    static TriangleMesh cluster(TriangleMesh mesh, double cell, double[] origin) {
        float[] p = mesh.positions();
        int nv = mesh.vertexCount();
        Map<Long, Integer> clusterOfCell = new HashMap<>();
        int[] clusterOf = new int[nv];
        for (int v = 0; v < nv; v++) {
            long ix = (long) Math.floor((p[3 * v] - origin[0]) / cell);
            long iy = (long) Math.floor((p[3 * v + 1] - origin[1]) / cell);
            long iz = (long) Math.floor((p[3 * v + 2] - origin[2]) / cell);
            long key = (ix & 0x1FFFFF) | (iy & 0x1FFFFF) << 21 | (iz & 0x1FFFFF) << 42;
            clusterOf[v] = clusterOfCell.computeIfAbsent(key, k -> clusterOfCell.size());
        }
        int nc = clusterOfCell.size();
        double[] quadric = new double[nc * 10];   // symmetric 4x4: a2 ab ac ad b2 bc bd c2 cd d2
        double[] sum = new double[nc * 3];
        double[] colourSum = mesh.colors() == null ? null : new double[nc * 3];
        int[] count = new int[nc];
        for (int v = 0; v < nv; v++) {
            int c = clusterOf[v];
            count[c]++;
            for (int a = 0; a < 3; a++) {
                sum[3 * c + a] += p[3 * v + a];
                if (colourSum != null) colourSum[3 * c + a] += mesh.colors()[3 * v + a];
            }
        }
        int[] idx = mesh.indices();
        for (int t = 0; t < idx.length; t += 3) {
            int a = 3 * idx[t], b = 3 * idx[t + 1], c = 3 * idx[t + 2];
            double ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
            double vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
            double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
            if (len == 0) continue;
            double area = 0.5 * len;
            nx /= len; ny /= len; nz /= len;
            double d = -(nx * p[a] + ny * p[a + 1] + nz * p[a + 2]);
            double[] q = {nx * nx, nx * ny, nx * nz, nx * d, ny * ny, ny * nz, ny * d, nz * nz, nz * d, d * d};
            for (int corner = 0; corner < 3; corner++) {
                int cl = clusterOf[idx[t + corner]];
                for (int e = 0; e < 10; e++) quadric[10 * cl + e] += area * q[e];
            }
        }
        float[] positions = new float[nc * 3];
        float[] colors = colourSum == null ? null : new float[nc * 3];
        for (int c = 0; c < nc; c++) {
            double[] mean = {sum[3 * c] / count[c], sum[3 * c + 1] / count[c], sum[3 * c + 2] / count[c]};
            double[] best = minimiser(quadric, 10 * c, mean, cell);
            for (int a = 0; a < 3; a++) {
                positions[3 * c + a] = (float) best[a];
                if (colors != null) colors[3 * c + a] = (float) (colourSum[3 * c + a] / count[c]);
            }
        }
        int[] tris = new int[idx.length];
        int n = 0;
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < idx.length; t += 3) {
            int a = clusterOf[idx[t]], b = clusterOf[idx[t + 1]], c = clusterOf[idx[t + 2]];
            if (a == b || b == c || a == c) continue;
            int[] key = {a, b, c};
            Arrays.sort(key);
            if (!seen.add(key[0] + "," + key[1] + "," + key[2])) continue;
            tris[n++] = a; tris[n++] = b; tris[n++] = c;
        }
        return new TriangleMesh(positions, colors, Arrays.copyOf(tris, n));
    }

    /**
     * The point minimising the quadric, or the vertices' mean when the quadric is degenerate (a flat patch has
     * a whole plane of minimisers) or its minimiser lies further than one cell from the mean.
     */
    private static double[] minimiser(double[] q, int o, double[] mean, double cell) {
        double a = q[o], b = q[o + 1], c = q[o + 2], d = q[o + 4], e = q[o + 5], f = q[o + 7];
        double rx = -q[o + 3], ry = -q[o + 6], rz = -q[o + 8];
        double det = a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c);
        double scale = Math.max(1e-30, (a + d + f) * (a + d + f) * (a + d + f));
        if (Math.abs(det) / scale < 1e-6) return mean;
        double x = (rx * (d * f - e * e) - b * (ry * f - e * rz) + c * (ry * e - d * rz)) / det;
        double y = (a * (ry * f - e * rz) - rx * (b * f - e * c) + c * (b * rz - ry * c)) / det;
        double z = (a * (d * rz - ry * e) - b * (b * rz - ry * c) + rx * (b * e - d * c)) / det;
        double dx = x - mean[0], dy = y - mean[1], dz = z - mean[2];
        if (dx * dx + dy * dy + dz * dz > cell * cell) return mean;
        return new double[] {x, y, z};
    }
}
