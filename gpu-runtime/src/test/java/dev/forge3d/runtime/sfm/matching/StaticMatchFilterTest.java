package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StaticMatchFilterTest {

    private static ImageFeatures at(double... xy) {
        double[] x = new double[xy.length / 2], y = new double[xy.length / 2];
        for (int i = 0; i < x.length; i++) { x[i] = xy[2 * i]; y[i] = xy[2 * i + 1]; }
        return new ImageFeatures(x, y, new float[0], 128);
    }

    @Test
    void dropsMatchesThatStayedOnTheirPixelAndKeepsTheOthersInOrder() {
        ImageFeatures a = at(10, 10, 50, 50, 100, 100, 200, 20);
        ImageFeatures b = at(10.4, 9.8, 58, 50, 100, 101.5, 200, 20);
        // matches a0-b0 (0.45 px), a1-b1 (8 px), a2-b2 (1.5 px), a3-b3 (0 px), a0-b1 (40 px)
        int[] m = {0, 0, 1, 1, 2, 2, 3, 3, 0, 1};

        assertThat(StaticMatchFilter.moving(a, b, m, 1.0)).containsExactly(1, 1, 2, 2, 0, 1);
        assertThat(StaticMatchFilter.moving(a, b, m, 2.0)).containsExactly(1, 1, 0, 1);
    }

    @Test
    void returnsTheSameMatchesWhenNothingStoodStill() {
        ImageFeatures a = at(10, 10, 50, 50);
        ImageFeatures b = at(30, 10, 50, 80);
        int[] m = {0, 0, 1, 1};

        assertThat(StaticMatchFilter.moving(a, b, m, 1.0)).isSameAs(m);
    }
}
