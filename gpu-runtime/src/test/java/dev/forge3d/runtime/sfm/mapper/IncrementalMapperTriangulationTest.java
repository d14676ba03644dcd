package dev.forge3d.runtime.sfm.mapper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Track triangulation on exact synthetic models: a track that picked up one wrong keypoint (a chain of matches
 * through a look-alike feature) is still triangulated from the observations that agree, and only the wrong one is
 * switched off; with two observations nothing says which is wrong, so the track waits.
 */
class IncrementalMapperTriangulationTest {

    private static final int W = 800, H = 600;

    /** The exact scene with every point forgotten, and point 0's keypoint in the given image moved down by dy pixels. */
    private static SceneState withoutPoints(int cameras, int corruptImage, double dy, double[][] truth) {
        SceneState s = ExactScenes.scene(W, H, cameras, 60, 5, 50, 900);
        for (int t = 0; t < s.points.length; t++) {
            truth[t] = s.points[t];
            s.points[t] = null;
        }
        int track = s.tracks.trackOf[corruptImage][0];
        int k = indexOf(s.tracks.images[track], corruptImage);
        // Across the epipolar lines (the cameras are on a horizontal arc), so no depth explains it.
        s.features.get(corruptImage).y()[s.tracks.keypoints[track][k]] += dy;
        return s;
    }

    @Test
    void aWrongKeypointIsSwitchedOffAndTheTrackStillTriangulated() {
        double[][] truth = new double[50][];
        SceneState s = withoutPoints(6, 2, 25, truth);
        int track = s.tracks.trackOf[2][0];

        new IncrementalMapper(s, IncrementalMapper.Options.defaults()).triangulateAll();

        assertThat(s.pointCount()).isEqualTo(50);
        for (int d = 0; d < 3; d++) assertThat(s.points[track][d]).isCloseTo(truth[track][d], within(1e-6));
        for (int k = 0; k < s.tracks.images[track].length; k++) {
            assertThat(s.active(track, k)).as("observation in image %d", s.tracks.images[track][k])
                    .isEqualTo(s.tracks.images[track][k] != 2);
        }
        // Clean tracks keep every observation.
        int other = s.tracks.trackOf[2][1];
        for (int k = 0; k < s.tracks.images[other].length; k++) assertThat(s.active(other, k)).isTrue();
    }

    @Test
    void twoDisagreeingObservationsLeaveTheTrackUntriangulated() {
        double[][] truth = new double[50][];
        SceneState s = withoutPoints(2, 1, 25, truth);
        int track = s.tracks.trackOf[1][0];

        new IncrementalMapper(s, IncrementalMapper.Options.defaults()).triangulateAll();

        assertThat(s.points[track]).isNull();
        assertThat(s.active(track, 0)).isTrue();
        assertThat(s.active(track, 1)).isTrue();
        assertThat(s.pointCount()).isEqualTo(49);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }
}
