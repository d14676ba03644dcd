package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.splat.train.SyntheticScene;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** Colours come from the pixels a photo's mask covers while any photo has such a pixel for the point. */
class PhotoColoursTest {

    private static final int SIZE = 16;

    /** A camera 2 units from the origin on +x, looking at it. */
    private static Camera camera(String name) {
        return SyntheticScene.lookAt(name, new double[] {2, 0, 0}, SIZE, 0.8);
    }

    private static RgbImage plain(float r, float g, float b) {
        float[] d = new float[3 * SIZE * SIZE];
        Arrays.fill(d, 0, SIZE * SIZE, r);
        Arrays.fill(d, SIZE * SIZE, 2 * SIZE * SIZE, g);
        Arrays.fill(d, 2 * SIZE * SIZE, 3 * SIZE * SIZE, b);
        return new RgbImage(SIZE, SIZE, d);
    }

    private static DepthMaps.DepthMap flatDepth(Camera cam, float z) {
        float[] d = new float[SIZE * SIZE];
        Arrays.fill(d, z);
        return new DepthMaps.DepthMap(cam, d);
    }

    private static float[] filled(float v) {
        float[] m = new float[SIZE * SIZE];
        Arrays.fill(m, v);
        return m;
    }

    @Test
    void aPhotoWhoseMaskDoesNotCoverThePointGivesNoColourWhileAnotherDoes() {
        // a point at the origin, its normal at 45 degrees between the two cameras: both see it equally
        float[] point = {0, 0, 0};
        float s = (float) Math.sqrt(0.5);
        float[] normal = {s, s, 0};
        Camera a = camera("a"), b = camera("b");
        // photo a: red, its mask covers the point; photo b: white (the background it was composited over), uncovered
        PhotoColours.Source red = new PhotoColours.Source(a, plain(1, 0, 0), flatDepth(a, 2), filled(1));
        PhotoColours.Source white = new PhotoColours.Source(b, plain(1, 1, 1), flatDepth(b, 2), filled(0));

        float[] c = PhotoColours.sample(point, normal, List.of(red, white), 0.05, new float[] {0.5f, 0.5f, 0.5f});
        assertThat(c[0]).isCloseTo(1f, offset(1e-6f));
        assertThat(c[1]).as("no white from the uncovered photo").isCloseTo(0f, offset(1e-6f));

        // without coverage both count: pink
        float[] mixed = PhotoColours.sample(point, normal, List.of(new PhotoColours.Source(a, plain(1, 0, 0), flatDepth(a, 2)),
                new PhotoColours.Source(b, plain(1, 1, 1), flatDepth(b, 2))), 0.05, new float[] {0.5f, 0.5f, 0.5f});
        assertThat(mixed[1]).isCloseTo(0.5f, offset(1e-6f));

        // seen by uncovered pixels only: their colour rather than none
        float[] only = PhotoColours.sample(point, normal, List.of(white), 0.05, new float[] {0.5f, 0.5f, 0.5f});
        assertThat(only[1]).isCloseTo(1f, offset(1e-6f));
    }

    @Test
    void aPixelCountsAsCoveredOnlyWhenAllFourBilinearNeighboursAre() {
        float[] m = filled(1);
        m[5 * SIZE + 6] = 0.5f;
        assertThat(PhotoColours.covered(m, SIZE, SIZE, 5.5, 5.5)).as("reads (6, 5)").isFalse();
        assertThat(PhotoColours.covered(m, SIZE, SIZE, 5.5, 4.5)).as("reads (6, 5) too").isFalse();
        assertThat(PhotoColours.covered(m, SIZE, SIZE, 7.2, 5.5)).isTrue();
        assertThat(PhotoColours.covered(m, SIZE, SIZE, 15, 15)).as("the last pixel").isTrue();
    }
}
