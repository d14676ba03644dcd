package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.mesh.TriangleMesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A texture atlas for a mesh by box projection: each triangle is labelled with the axis direction (+-x, +-y, +-z)
 * closest to its normal (labels smoothed over neighbours so charts do not fray), edge-connected triangles with one
 * label form a chart, each chart is projected orthographically along its axis (stretch at most sqrt(3), no
 * overlaps within a chart that is a height field along its axis, which a connected same-label patch nearly always
 * is), and the charts' rectangles are shelf-packed into a square texture with a gutter between them. Vertices on
 * chart borders are split.
 *
 * @param positions     vertex positions (split)
 * @param normals       vertex normals, from the unsplit mesh so shading has no seams
 * @param uvs           texture coordinates, glTF convention (0..1, v down)
 * @param indices       triangles over the split vertices
 * @param size          texture size in texels (square)
 * @param charts        number of charts
 * @param texelsPerUnit texels per model unit along a chart's projection plane
 */
public record UvAtlas(float[] positions, float[] normals, float[] uvs, int[] indices, int size, int charts, double texelsPerUnit) {

    static final int GUTTER = 2;
    private static final double[][] AXES = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};

    public static UvAtlas build(TriangleMesh mesh, int size) {
        float[] p = mesh.positions();
        int[] idx = mesh.indices();
        int nt = idx.length / 3;
        float[] vn = mesh.vertexNormals();
        double[][] fn = new double[nt][];
        int[] label = new int[nt];
        for (int t = 0; t < nt; t++) {
            fn[t] = faceNormal(p, idx, t);
            label[t] = bestAxis(fn[t]);
        }
        int[] nb = neighbours(idx, p.length / 3);
        for (int round = 0; round < 3; round++) {
            int[] next = label.clone();
            for (int t = 0; t < nt; t++) {
                int[] count = new int[6];
                for (int e = 0; e < 3; e++) if (nb[3 * t + e] >= 0) count[label[nb[3 * t + e]]]++;
                for (int l = 0; l < 6; l++) {
                    if (l != label[t] && count[l] >= 2 && Mat3.dot(fn[t], AXES[l]) > 0.35) { next[t] = l; break; }
                }
            }
            label = next;
        }
        // charts: edge-connected components of one label
        int[] chart = new int[nt];
        Arrays.fill(chart, -1);
        List<int[]> members = new ArrayList<>();
        int[] queue = new int[nt];
        for (int seed = 0; seed < nt; seed++) {
            if (chart[seed] >= 0) continue;
            int id = members.size(), head = 0, tail = 0;
            chart[seed] = id;
            queue[tail++] = seed;
            while (head < tail) {
                int t = queue[head++];
                for (int e = 0; e < 3; e++) {
                    int o = nb[3 * t + e];
                    if (o >= 0 && chart[o] < 0 && label[o] == label[seed]) { chart[o] = id; queue[tail++] = o; }
                }
            }
            members.add(Arrays.copyOf(queue, tail));
        }
        int nc = members.size();
        // each chart's 2D bounds in its projection plane
        double[][] bounds = new double[nc][];
        double area = 0;
        for (int c = 0; c < nc; c++) {
            int axis = label[members.get(c)[0]] / 2;
            double[] b = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
            for (int t : members.get(c)) {
                for (int k = 0; k < 3; k++) {
                    int v = idx[3 * t + k];
                    double u = p[3 * v + (axis + 1) % 3], w = p[3 * v + (axis + 2) % 3];
                    b[0] = Math.min(b[0], u); b[1] = Math.min(b[1], w); b[2] = Math.max(b[2], u); b[3] = Math.max(b[3], w);
                }
            }
            bounds[c] = b;
            area += (b[2] - b[0]) * (b[3] - b[1]);
        }
        // pack: shrink the density until every chart's rectangle fits
        Integer[] order = new Integer[nc];
        for (int c = 0; c < nc; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> Double.compare(bounds[b][3] - bounds[b][1], bounds[a][3] - bounds[a][1]));
        double density = Math.sqrt(0.7 * size * (double) size / Math.max(area, 1e-12));
        int[][] place = new int[nc][];
        for (int attempt = 0; ; attempt++) {
            if (pack(order, bounds, density, size, place)) break;
            density *= 0.93;
            if (attempt > 200) throw new IllegalStateException("texture atlas: " + nc + " charts do not fit in " + size + "^2");
        }
        // split vertices per chart and assign uvs
        Map<Long, Integer> split = new HashMap<>();
        List<Integer> source = new ArrayList<>();
        List<float[]> uvList = new ArrayList<>();
        int[] outIdx = new int[idx.length];
        for (int c = 0; c < nc; c++) {
            int axis = label[members.get(c)[0]] / 2;
            for (int t : members.get(c)) {
                for (int k = 0; k < 3; k++) {
                    int v = idx[3 * t + k];
                    long key = (long) c << 32 | v;
                    Integer nv = split.get(key);
                    if (nv == null) {
                        nv = source.size();
                        split.put(key, nv);
                        source.add(v);
                        double u = p[3 * v + (axis + 1) % 3], w = p[3 * v + (axis + 2) % 3];
                        double tx = place[c][0] + GUTTER + (u - bounds[c][0]) * density;
                        double ty = place[c][1] + GUTTER + (w - bounds[c][1]) * density;
                        uvList.add(new float[] {(float) (tx / size), (float) (ty / size)});
                    }
                    outIdx[3 * t + k] = nv;
                }
            }
        }
        int n = source.size();
        float[] pos = new float[3 * n], nor = new float[3 * n], uv = new float[2 * n];
        for (int i = 0; i < n; i++) {
            int v = source.get(i);
            for (int k = 0; k < 3; k++) { pos[3 * i + k] = p[3 * v + k]; nor[3 * i + k] = vn[3 * v + k]; }
            uv[2 * i] = uvList.get(i)[0];
            uv[2 * i + 1] = uvList.get(i)[1];
        }
        return new UvAtlas(pos, nor, uv, outIdx, size, nc, density);
    }

    /** Shelf packing in the given order; fills {@code place} with each chart's texel corner, false when it overflows. */
    private static boolean pack(Integer[] order, double[][] bounds, double density, int size, int[][] place) {
        int x = 0, y = 0, shelf = 0;
        for (int c : order) {
            int w = (int) Math.ceil((bounds[c][2] - bounds[c][0]) * density) + 2 * GUTTER + 1;
            int h = (int) Math.ceil((bounds[c][3] - bounds[c][1]) * density) + 2 * GUTTER + 1;
            if (w > size || h > size) return false;
            if (x + w > size) { x = 0; y += shelf; shelf = 0; }
            if (y + h > size) return false;
            place[c] = new int[] {x, y};
            x += w;
            shelf = Math.max(shelf, h);
        }
        return true;
    }

    private static double[] faceNormal(float[] p, int[] idx, int t) {
        int a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c = 3 * idx[3 * t + 2];
        double[] u = {p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]};
        double[] v = {p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]};
        double[] n = Mat3.cross(u, v);
        double len = Mat3.norm(n);
        return len > 0 ? Mat3.scaled(n, 1 / len) : new double[] {0, 0, 1};
    }

    private static int bestAxis(double[] n) {
        int best = 0;
        for (int l = 1; l < 6; l++) if (Mat3.dot(n, AXES[l]) > Mat3.dot(n, AXES[best])) best = l;
        return best;
    }

    /** For each triangle, the triangles across its three edges (-1 where none, or where the edge is non-manifold). */
    private static int[] neighbours(int[] idx, int nv) {
        int nt = idx.length / 3;
        Map<Long, Integer> firstOwner = new HashMap<>();
        int[] nb = new int[3 * nt];
        Arrays.fill(nb, -1);
        for (int t = 0; t < nt; t++) {
            for (int e = 0; e < 3; e++) {
                int a = idx[3 * t + e], b = idx[3 * t + (e + 1) % 3];
                long key = (long) Math.min(a, b) * nv + Math.max(a, b);
                Integer o = firstOwner.putIfAbsent(key, 3 * t + e);
                if (o != null && o >= 0) {
                    nb[3 * t + e] = o / 3;
                    nb[o] = t;
                    firstOwner.put(key, -1);
                }
            }
        }
        return nb;
    }
}
