package dev.forge3d.runtime.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Marching cubes over a {@link ScalarGrid}: the surface {@code value = iso}, with the inside ({@code value >= iso})
 * enclosed by triangles wound counter-clockwise seen from outside.
 *
 * <p>The 256-case table is generated when the class loads, by walking each cube face: on a face, every run of
 * inside corners is cut off by one segment between the two crossed edges that bound it. Because that choice depends
 * only on the face's four corners, neighbouring cubes agree on every shared face (ambiguous faces included), so the
 * mesh is watertight; the segments of the six faces chain into closed loops. A loop is triangulated as a fan from
 * a corner whose diagonals never join two edges of one face (such a diagonal could be repeated by the neighbouring
 * cube, making the mesh non-manifold); when no corner qualifies, the loop is fanned around an extra centre vertex.
 * Vertices on shared grid edges are shared between cubes. Cubes with a NaN sample (nothing known there) are skipped.
 */
public final class MarchingCubes {

    /** EDGE_CORNERS[e] = {c0, c1, axis}: corners are x | y<<1 | z<<2. */
    private static final int[][] EDGE_CORNERS = new int[12][];
    /** LOOPS[config] = the surface loops as cube-edge ids, wound counter-clockwise seen from outside. */
    private static final int[][][] LOOPS = new int[256][][];
    /** FAN_START[config][loop] = the loop position to fan from, or -1 to fan around a centre vertex. */
    private static final int[][] FAN_START = new int[256][];

    static {
        int e = 0;
        for (int axis = 0; axis < 3; axis++) {
            for (int c = 0; c < 8; c++) {
                if ((c & (1 << axis)) == 0) EDGE_CORNERS[e++] = new int[] {c, c | (1 << axis), axis};
            }
        }
        for (int config = 0; config < 256; config++) {
            LOOPS[config] = loops(config);
            FAN_START[config] = new int[LOOPS[config].length];
            for (int l = 0; l < LOOPS[config].length; l++) FAN_START[config][l] = safeFanStart(LOOPS[config][l]);
        }
    }

    private MarchingCubes() { }

    /** Extracts the iso-surface; colours come from the grid's colour field when it has one. */
    public static TriangleMesh extract(ScalarGrid g, float iso) {
        FloatList pos = new FloatList();
        List<Integer> tris = new ArrayList<>();
        Map<Long, Integer> vertexOfEdge = new HashMap<>();
        int[] cubeVertex = new int[12];
        for (int k = 0; k < g.nz - 1; k++) {
            for (int j = 0; j < g.ny - 1; j++) {
                for (int i = 0; i < g.nx - 1; i++) {
                    int config = 0;
                    boolean unknown = false;
                    for (int c = 0; c < 8; c++) {
                        float v = g.value(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1));
                        if (Float.isNaN(v)) unknown = true;
                        else if (v >= iso) config |= 1 << c;
                    }
                    if (unknown) continue; // a cube touching an unobserved sample has no known surface
                    int[][] loops = LOOPS[config];
                    if (loops.length == 0) continue;
                    java.util.Arrays.fill(cubeVertex, -1);
                    for (int[] loop : loops) {
                        for (int edge : loop) cubeVertex[edge] = edgeVertex(g, i, j, k, edge, iso, vertexOfEdge, pos);
                    }
                    for (int l = 0; l < loops.length; l++) {
                        int[] loop = loops[l];
                        int start = FAN_START[config][l];
                        if (start >= 0) {
                            for (int t = 1; t + 1 < loop.length; t++) {
                                tris.add(cubeVertex[loop[start]]);
                                tris.add(cubeVertex[loop[(start + t) % loop.length]]);
                                tris.add(cubeVertex[loop[(start + t + 1) % loop.length]]);
                            }
                        } else {
                            int centre = pos.size() / 3;
                            float cx = 0, cy = 0, cz = 0;
                            for (int edge : loop) {
                                int v = 3 * cubeVertex[edge];
                                cx += pos.get(v); cy += pos.get(v + 1); cz += pos.get(v + 2);
                            }
                            pos.add(cx / loop.length); pos.add(cy / loop.length); pos.add(cz / loop.length);
                            for (int t = 0; t < loop.length; t++) {
                                tris.add(centre);
                                tris.add(cubeVertex[loop[t]]);
                                tris.add(cubeVertex[loop[(t + 1) % loop.length]]);
                            }
                        }
                    }
                }
            }
        }
        float[] positions = pos.toArray();
        float[] colors = null;
        if (g.rgb != null) {
            colors = new float[positions.length];
            for (int v = 0; v < positions.length; v += 3) g.colourAt(positions[v], positions[v + 1], positions[v + 2], colors, v);
        }
        return new TriangleMesh(positions, colors, tris.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The mesh vertex on a cube edge, created on first use and shared with the neighbouring cubes. */
    private static int edgeVertex(ScalarGrid g, int i, int j, int k, int edge, float iso, Map<Long, Integer> vertexOfEdge, FloatList pos) {
        int[] ec = EDGE_CORNERS[edge];
        int bi = i + (ec[0] & 1), bj = j + ((ec[0] >> 1) & 1), bk = k + ((ec[0] >> 2) & 1);
        long key = (long) g.index(bi, bj, bk) * 3 + ec[2];
        Integer v = vertexOfEdge.get(key);
        if (v != null) return v;
        float v0 = g.value(bi, bj, bk);
        float v1 = g.value(i + (ec[1] & 1), j + ((ec[1] >> 1) & 1), k + ((ec[1] >> 2) & 1));
        double t = v1 == v0 ? 0.5 : (iso - v0) / (double) (v1 - v0);
        double[] p = {g.ox + bi * g.spacing, g.oy + bj * g.spacing, g.oz + bk * g.spacing};
        p[ec[2]] += t * g.spacing;
        int created = pos.size() / 3;
        pos.add((float) p[0]); pos.add((float) p[1]); pos.add((float) p[2]);
        vertexOfEdge.put(key, created);
        return created;
    }

    /** A fan start whose diagonals join no two edges of one cube face, or -1 when there is none. */
    private static int safeFanStart(int[] loop) {
        if (loop.length == 3) return 0;
        for (int s = 0; s < loop.length; s++) {
            boolean ok = true;
            for (int t = 2; t <= loop.length - 2 && ok; t++) {
                ok = !shareFace(loop[s], loop[(s + t) % loop.length]);
            }
            if (ok) return s;
        }
        return -1;
    }

    private static boolean shareFace(int e1, int e2) {
        int[] a = EDGE_CORNERS[e1], b = EDGE_CORNERS[e2];
        for (int axis = 0; axis < 3; axis++) {
            for (int side = 0; side < 2; side++) {
                int bit = side << axis, mask = 1 << axis;
                if ((a[0] & mask) == bit && (a[1] & mask) == bit && (b[0] & mask) == bit && (b[1] & mask) == bit) return true;
            }
        }
        return false;
    }

    /** Surface loops (cube-edge ids, counter-clockwise seen from outside) for one configuration; bit c = corner c inside. */
    private static int[][] loops(int config) {
        int[] next = new int[12];
        java.util.Arrays.fill(next, -1);
        for (int axis = 0; axis < 3; axis++) {
            for (int side = 0; side < 2; side++) {
                int[] face = faceCorners(axis, side);
                boolean[] in = new boolean[4];
                for (int q = 0; q < 4; q++) in[q] = (config & (1 << face[q])) != 0;
                // Face edge q joins face[q] -> face[q+1]; an entry goes outside -> inside, an exit the reverse.
                for (int q = 0; q < 4; q++) {
                    if (in[q] || !in[(q + 1) % 4]) continue;
                    int exit = (q + 1) % 4;
                    while (in[(exit + 1) % 4]) exit = (exit + 1) % 4;
                    next[edgeBetween(face[exit], face[(exit + 1) % 4])] = edgeBetween(face[q], face[(q + 1) % 4]);
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        boolean[] seen = new boolean[12];
        for (int start = 0; start < 12; start++) {
            if (next[start] < 0 || seen[start]) continue;
            List<Integer> loop = new ArrayList<>();
            for (int e = start; !seen[e]; e = next[e]) { seen[e] = true; loop.add(e); }
            // The face walk yields loops wound clockwise seen from outside; store them reversed.
            int[] ccw = new int[loop.size()];
            for (int q = 0; q < ccw.length; q++) ccw[q] = loop.get(ccw.length - 1 - q);
            out.add(ccw);
        }
        return out.toArray(new int[0][]);
    }

    /** The face's corners in counter-clockwise order seen from outside the cube. */
    private static int[] faceCorners(int axis, int side) {
        int u = (axis + 1) % 3, v = (axis + 2) % 3, base = side << axis;
        int[] uv = side == 1 ? new int[] {0, 0, 1, 0, 1, 1, 0, 1} : new int[] {0, 0, 0, 1, 1, 1, 1, 0};
        int[] corners = new int[4];
        for (int q = 0; q < 4; q++) corners[q] = base | (uv[2 * q] << u) | (uv[2 * q + 1] << v);
        return corners;
    }

    private static int edgeBetween(int a, int b) {
        for (int e = 0; e < 12; e++) {
            int[] ec = EDGE_CORNERS[e];
            if ((ec[0] == a && ec[1] == b) || (ec[0] == b && ec[1] == a)) return e;
        }
        throw new IllegalStateException("corners " + a + " and " + b + " share no edge");
    }

    /** A growable float array (no boxing on the vertex path). */
    static final class FloatList {
        private float[] data = new float[1024];
        private int size;

        void add(float v) {
            if (size == data.length) data = java.util.Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        int size() { return size; }

        float get(int i) { return data[i]; }

        float[] toArray() { return java.util.Arrays.copyOf(data, size); }
    }
}
