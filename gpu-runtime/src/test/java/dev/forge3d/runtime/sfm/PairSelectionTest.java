package dev.forge3d.runtime.sfm;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PairSelectionTest {

    private static Set<String> keys(List<int[]> pairs) {
        Set<String> s = new HashSet<>();
        for (int[] p : pairs) {
            assertThat(p[0]).isLessThan(p[1]);
            assertThat(s.add(p[0] + "-" + p[1])).as("pair given twice").isTrue();
        }
        return s;
    }

    @Test
    void exhaustiveIsEveryPairOnce() {
        assertThat(keys(PairSelection.exhaustive().pairs(48))).hasSize(48 * 47 / 2);
    }

    @Test
    void sequentialIsNeighboursInTimeAndPowersOfTwoFurther() {
        Set<String> s = keys(PairSelection.sequential(10).pairs(200));
        assertThat(s).contains("0-1", "0-10", "0-16", "0-32", "0-64", "0-128", "150-160", "150-166", "190-199")
                .doesNotContain("0-11", "0-15", "0-17", "150-161");
        // At most overlap + log2(n) pairs per frame: 200 frames give 2,505 pairs, an eighth of the exhaustive 19,900.
        assertThat(s.size()).isLessThanOrEqualTo(200 * (10 + 3));
        assertThat(keys(PairSelection.sequential(10).pairs(5))).hasSize(10); // a short set: every pair
    }

    /** Photos of two different places: each photo's descriptors are noisy copies of its place's own features. */
    private static List<dev.forge3d.runtime.sfm.features.ImageFeatures> twoPlaces(int perPlace, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][][] pools = new float[2][400][];
        for (float[][] pool : pools) for (int i = 0; i < pool.length; i++) pool[i] = unit(r, null, 0);
        List<dev.forge3d.runtime.sfm.features.ImageFeatures> out = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * perPlace; i++) {
            float[][] pool = pools[i % 2];
            int n = 250;
            float[] d = new float[n * 128];
            for (int k = 0; k < n; k++) System.arraycopy(unit(r, pool[r.nextInt(pool.length)], 0.02f), 0, d, k * 128, 128);
            out.add(new dev.forge3d.runtime.sfm.features.ImageFeatures(new double[n], new double[n], d, 128));
        }
        return out;
    }

    private static float[] unit(java.util.Random r, float[] around, float noise) {
        float[] v = new float[128];
        double s = 0;
        for (int j = 0; j < 128; j++) {
            v[j] = around == null ? (float) Math.abs(r.nextGaussian()) : around[j] + noise * (float) r.nextGaussian();
            s += v[j] * v[j];
        }
        for (int j = 0; j < 128; j++) v[j] /= (float) Math.sqrt(s);
        return v;
    }

    @Test
    void retrievalPairsPhotosOfTheSamePlaceAndSkipsTheRest() {
        List<dev.forge3d.runtime.sfm.features.ImageFeatures> photos = twoPlaces(8, 3); // even: place 0, odd: place 1
        List<int[]> pairs = PairSelection.retrieval(4).pairs(photos, 0.8, 2);
        keys(pairs);
        assertThat(pairs).allSatisfy(p -> assertThat(p[0] % 2).as("pair %d-%d", p[0], p[1]).isEqualTo(p[1] % 2));
        // Every photo keeps its 4 nearest: at least 16 * 4 / 2 pairs, at most 16 * 4, of the 120 in all.
        assertThat(pairs.size()).isBetween(32, 64);
        assertThat(PairSelection.retrieval(4).pairs(photos, 0.8, 2)).usingRecursiveComparison().isEqualTo(pairs); // deterministic
        // A set no larger than the neighbours asked for is matched exhaustively.
        assertThat(PairSelection.retrieval(20).pairs(photos.subList(0, 10), 0.8, 2)).hasSize(45);
    }
}
