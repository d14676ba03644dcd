package dev.forge3d.runtime.mesh;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MarchingCubesTest {

    @Test
    void sphereIsClosedOutwardAndHasTheRightSize() {
        int n = 48;
        double r = 0.8, spacing = 2.0 / (n - 1);
        ScalarGrid g = new ScalarGrid(n, n, n, -1, -1, -1, spacing, false);
        for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) {
            double x = -1 + i * spacing, y = -1 + j * spacing, z = -1 + k * spacing;
            g.set(i, j, k, (float) (r - Math.sqrt(x * x + y * y + z * z)));
        }
        TriangleMesh m = MarchingCubes.extract(g, 0f);
        assertClosedAndConsistentlyWound(m);
        assertThat(m.signedVolume()).isCloseTo(4.0 / 3 * Math.PI * r * r * r, within(0.01));
        assertThat(m.surfaceArea()).isCloseTo(4 * Math.PI * r * r, within(0.05));
    }

    @Test
    void everyCaseIncludingAmbiguousFacesGivesAWatertightMesh() {
        // Random values exercise all 256 corner configurations and the ambiguous faces between cubes.
        Random rnd = new Random(7);
        int n = 24;
        ScalarGrid g = new ScalarGrid(n, n, n, 0, 0, 0, 1, false);
        for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) {
            boolean border = i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1;
            g.set(i, j, k, border ? -1f : (float) rnd.nextGaussian());
        }
        TriangleMesh m = MarchingCubes.extract(g, 0f);
        assertThat(m.triangleCount()).isGreaterThan(10_000);
        assertClosedAndConsistentlyWound(m);
        assertThat(m.signedVolume()).isPositive();
    }

    /** Every directed edge a->b appears once and its twin b->a once: closed, manifold, consistently oriented. */
    static void assertClosedAndConsistentlyWound(TriangleMesh m) {
        Map<Long, Integer> directed = new HashMap<>();
        int[] idx = m.indices();
        for (int t = 0; t < idx.length; t += 3) {
            for (int e = 0; e < 3; e++) {
                long a = idx[t + e], b = idx[t + (e + 1) % 3];
                assertThat(a).as("degenerate triangle").isNotEqualTo(b);
                directed.merge(a << 32 | b, 1, Integer::sum);
            }
        }
        directed.forEach((key, count) -> {
            long a = key >>> 32, b = key & 0xffffffffL;
            assertThat(count).as("directed edge %d->%d used once", a, b).isEqualTo(1);
            assertThat(directed.get(b << 32 | a)).as("twin of %d->%d", a, b).isEqualTo(1);
        });
    }
}
