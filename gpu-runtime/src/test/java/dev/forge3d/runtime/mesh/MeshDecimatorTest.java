package dev.forge3d.runtime.mesh;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MeshDecimatorTest {

    @Test
    void keepsTheShapeWithinBudget() {
        int n = 64;
        double r = 0.8, spacing = 2.0 / (n - 1);
        ScalarGrid g = new ScalarGrid(n, n, n, -1, -1, -1, spacing, true);
        for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) {
            double x = -1 + i * spacing, y = -1 + j * spacing, z = -1 + k * spacing;
            g.set(i, j, k, (float) (r - Math.sqrt(x * x + y * y + z * z)));
            g.rgb[3 * g.index(i, j, k)] = x > 0 ? 1f : 0f;
        }
        TriangleMesh full = MarchingCubes.extract(g, 0f);
        TriangleMesh small = MeshDecimator.decimate(full, 2_000);
        assertThat(full.triangleCount()).isGreaterThan(20_000);
        assertThat(small.triangleCount()).isBetween(500, 2_000);
        assertThat(small.signedVolume()).isCloseTo(full.signedVolume(), within(0.05 * full.signedVolume()));
        // Every kept vertex stays on the sphere and keeps its side's colour.
        float[] p = small.positions();
        for (int v = 0; v < p.length; v += 3) {
            double rad = Math.sqrt(p[v] * p[v] + p[v + 1] * p[v + 1] + p[v + 2] * p[v + 2]);
            assertThat(rad).isCloseTo(r, within(0.03));
            if (p[v] > 0.15) assertThat(small.colors()[v]).isGreaterThan(0.9f);
            if (p[v] < -0.15) assertThat(small.colors()[v]).isLessThan(0.1f);
        }
    }

    @Test
    void returnsTheMeshUntouchedWhenItFits() {
        TriangleMesh m = GlbWriterTest.colouredSphere();
        assertThat(MeshDecimator.decimate(m, m.triangleCount())).isSameAs(m);
    }
}
