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
}
