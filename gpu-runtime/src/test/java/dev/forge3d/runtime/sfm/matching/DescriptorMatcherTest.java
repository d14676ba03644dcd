package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorised matcher against a plain double-precision brute force, on sizes that do not fill its blocks. */
class DescriptorMatcherTest {

    private static final int DIM = 128;

    @Test
    void sameMatchesAsBruteForceForEveryBlockShape() {
        int[][] sizes = {{2, 2}, {3, 5}, {7, 17}, {37, 203}, {203, 37}, {1001, 999}, {1500, 2048}};
        Random r = new Random(7);
        for (int[] size : sizes) {
            float[] a = randomDescriptors(size[0], r);
            float[] b = randomDescriptors(size[1], r);
            // Half of B are noisy copies of descriptors of A, so there are true matches to find.
            for (int j = 0; j < size[1]; j += 2) {
                int i = r.nextInt(size[0]);
                for (int k = 0; k < DIM; k++) b[j * DIM + k] = a[i * DIM + k] + (float) (0.03 * r.nextGaussian());
                normalise(b, j);
            }
            int[] expected = bruteForce(a, size[0], b, size[1], 0.8);
            int[] got = new DescriptorMatcher(0.8).match(features(a, size[0]), features(b, size[1]));
            assertArrayEquals(expected, got, "sizes " + size[0] + " x " + size[1]);
            if (size[0] > 30 && size[0] >= size[1]) assertTrue(got.length / 2 > size[1] / 8, "planted matches found");
        }
    }

    @Test
    void ratioTestRejectsAmbiguousNeighbours() {
        Random r = new Random(3);
        float[] a = randomDescriptors(40, r);
        float[] b = new float[80 * DIM];
        // Every descriptor of A appears twice in B (the same noisy copy, in neighbouring lanes of one tile): no
        // match passes the ratio test, which needs the second best from another lane.
        for (int j = 0; j < 80; j += 2) {
            for (int k = 0; k < DIM; k++) b[j * DIM + k] = a[(j / 2) * DIM + k] + (float) (0.03 * r.nextGaussian());
            normalise(b, j);
            System.arraycopy(b, j * DIM, b, (j + 1) * DIM, DIM);
        }
        assertArrayEquals(new int[0], new DescriptorMatcher(0.8).match(features(a, 40), features(b, 80)));
    }

    private static int[] bruteForce(float[] a, int na, float[] b, int nb, double ratio) {
        double[][] dot = new double[na][nb];
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++) {
                double s = 0;
                for (int k = 0; k < DIM; k++) s += (double) a[i * DIM + k] * b[j * DIM + k];
                dot[i][j] = s;
            }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < na; i++) {
            int best = 0;
            for (int j = 1; j < nb; j++) if (dot[i][j] > dot[i][best]) best = j;
            double second = -2;
            for (int j = 0; j < nb; j++) if (j != best) second = Math.max(second, dot[i][j]);
            double d1 = Math.max(0, 2 - 2 * dot[i][best]), d2 = Math.max(0, 2 - 2 * second);
            if (d1 > ratio * ratio * d2) continue;
            int back = 0;
            for (int k = 1; k < na; k++) if (dot[k][best] > dot[back][best]) back = k;
            if (back != i) continue;
            out.add(i);
            out.add(best);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] randomDescriptors(int n, Random r) {
        float[] d = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < DIM; k++) d[i * DIM + k] = (float) Math.abs(r.nextGaussian());
            normalise(d, i);
        }
        return d;
    }

    private static void normalise(float[] d, int i) {
        double s = 0;
        for (int k = 0; k < DIM; k++) s += d[i * DIM + k] * d[i * DIM + k];
        s = Math.sqrt(s);
        for (int k = 0; k < DIM; k++) d[i * DIM + k] /= (float) s;
    }

    private static ImageFeatures features(float[] d, int n) {
        return new ImageFeatures(new double[n], new double[n], d, DIM);
    }
}
