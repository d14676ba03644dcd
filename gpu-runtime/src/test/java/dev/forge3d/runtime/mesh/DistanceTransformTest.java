package dev.forge3d.runtime.mesh;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DistanceTransformTest {

    @Test
    void matchesBruteForceOnARandomSparseMask() {
        int nx = 13, ny = 9, nz = 11;
        boolean[] mask = new boolean[nx * ny * nz];
        Random rnd = new Random(7);
        for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < 0.02;
        float[] d = DistanceTransform.distance(mask, nx, ny, nz);
        for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
            double best = Double.MAX_VALUE;
            for (int c = 0; c < nz; c++) for (int b = 0; b < ny; b++) for (int a = 0; a < nx; a++) {
                if (mask[a + nx * (b + ny * c)]) best = Math.min(best, Math.sqrt((a - i) * (a - i) + (b - j) * (b - j) + (c - k) * (c - k)));
            }
            assertThat((double) d[i + nx * (j + ny * k)]).as("voxel %d %d %d", i, j, k).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void anEmptyMaskIsFarEverywhere() {
        float[] d = DistanceTransform.distance(new boolean[4 * 5 * 6], 4, 5, 6);
        for (float v : d) assertThat(v).isGreaterThan(1e6f);
    }
}
