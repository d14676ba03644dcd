package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertThat(StaticMatchFilter.moving(a, b, m, -1)).isSameAs(m); // filter off
    }

    @Test
    void returnsTheSameMatchesWhenNothingStoodStill() {
        ImageFeatures a = at(10, 10, 50, 50);
        ImageFeatures b = at(30, 10, 50, 80);
        int[] m = {0, 0, 1, 1};

        assertThat(StaticMatchFilter.moving(a, b, m, 1.0)).isSameAs(m);
    }

    @Test
    void aKeypointThatStoodStillInAPairThatMovedIsDroppedFromEveryPairOfItsPhoto() {
        // Photos 0 and 1 from one turntable camera: keypoint 0 (backdrop) stays, 1 and 2 (product) move.
        // Photo 2 from a second camera height: the backdrop keypoint moved there, but it is still the backdrop.
        ImageFeatures p0 = at(10, 10, 50, 50, 80, 80);
        ImageFeatures p1 = at(10, 10, 60, 50, 90, 80);
        ImageFeatures p2 = at(10, 40, 55, 70, 85, 100);
        List<int[]> pairs = List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {1, 2});
        List<int[]> matches = List.of(new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 0, 1, 1, 2, 2});

        boolean[][] still = StaticMatchFilter.stillKeypoints(List.of(p0, p1, p2), pairs, matches, new double[] {1, 1, 1}, 2);

        assertThat(still[0]).containsExactly(true, false, false);
        assertThat(still[1]).containsExactly(true, false, false);
        assertThat(still[2]).containsExactly(false, false, false);
        assertThat(StaticMatchFilter.moving(p0, p2, matches.get(1), 1, still[0], still[2])).containsExactly(1, 1, 2, 2);
    }

    @Test
    void aPairInWhichNothingMovedMarksNothing() {
        // Two copies of one photo (a duplicate upload): no moving matches, so no keypoint is taken as backdrop.
        ImageFeatures p0 = at(10, 10, 50, 50, 80, 80);
        ImageFeatures p1 = at(10, 10, 50, 50, 80, 80);

        boolean[][] still = StaticMatchFilter.stillKeypoints(List.of(p0, p1), List.<int[]>of(new int[] {0, 1}),
                List.<int[]>of(new int[] {0, 0, 1, 1, 2, 2}), new double[] {1}, 2);

        assertThat(still[0]).containsExactly(false, false, false);
        assertThat(still[1]).containsExactly(false, false, false);
    }
}
