package dev.forge3d.runtime.mesh;

/**
 * An indexed triangle mesh with per-vertex colours: {@code positions} and {@code colors} hold xyz / linear RGB
 * (0..1) triples, {@code indices} three vertex indices per triangle, counter-clockwise seen from outside.
 */
public record TriangleMesh(float[] positions, float[] colors, int[] indices) {

    public TriangleMesh {
        if (positions.length % 3 != 0 || indices.length % 3 != 0) throw new IllegalArgumentException("arrays must hold triples");
        if (colors != null && colors.length != positions.length) throw new IllegalArgumentException("one colour per vertex");
    }

    public int vertexCount() { return positions.length / 3; }

    public int triangleCount() { return indices.length / 3; }

    /** Per-vertex unit normals, the area-weighted average of the incident triangles' normals. */
    public float[] vertexNormals() {
        float[] n = new float[positions.length];
        for (int t = 0; t < indices.length; t += 3) {
            int a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
            float ux = positions[b] - positions[a], uy = positions[b + 1] - positions[a + 1], uz = positions[b + 2] - positions[a + 2];
            float vx = positions[c] - positions[a], vy = positions[c + 1] - positions[a + 1], vz = positions[c + 2] - positions[a + 2];
            float nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            for (int v : new int[] {a, b, c}) { n[v] += nx; n[v + 1] += ny; n[v + 2] += nz; }
        }
        for (int v = 0; v < n.length; v += 3) {
            float len = (float) Math.sqrt(n[v] * n[v] + n[v + 1] * n[v + 1] + n[v + 2] * n[v + 2]);
            if (len > 0) { n[v] /= len; n[v + 1] /= len; n[v + 2] /= len; } else { n[v + 2] = 1; }
        }
        return n;
    }

    /** Sum of triangle areas. */
    public double surfaceArea() {
        double area = 0;
        for (int t = 0; t < indices.length; t += 3) {
            int a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
            double ux = positions[b] - positions[a], uy = positions[b + 1] - positions[a + 1], uz = positions[b + 2] - positions[a + 2];
            double vx = positions[c] - positions[a], vy = positions[c + 1] - positions[a + 1], vz = positions[c + 2] - positions[a + 2];
            double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            area += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
        }
        return area;
    }

    /** Signed volume enclosed (positive for a closed mesh wound counter-clockwise seen from outside). */
    public double signedVolume() {
        double vol = 0;
        for (int t = 0; t < indices.length; t += 3) {
            int a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
            vol += (positions[a] * (positions[b + 1] * positions[c + 2] - positions[b + 2] * positions[c + 1])
                    - positions[a + 1] * (positions[b] * positions[c + 2] - positions[b + 2] * positions[c])
                    + positions[a + 2] * (positions[b] * positions[c + 1] - positions[b + 1] * positions[c])) / 6.0;
        }
        return vol;
    }
}
