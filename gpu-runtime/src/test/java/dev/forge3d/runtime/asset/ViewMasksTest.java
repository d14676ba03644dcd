package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ObjectMasks;
import dev.forge3d.runtime.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The coverage a composited image was made with travels beside it as a PNG and comes back on the loaded view. */
class ViewMasksTest {

    private static View view(String name, int w, int h) {
        Camera cam = new Camera(name, Intrinsics.fromFovX(w, h, 0.8), Pose.fromCameraToWorld(
                new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {0, 0, -3}));
        return new View(name, cam, new RgbImage(w, h));
    }

    private static float[] ramp(int n) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) m[i] = (i % 11) / 10f;
        return m;
    }

    @Test
    void coverageWrittenBesideTheImagesIsFoundByFileNameOrStem(@TempDir Path dir) throws IOException {
        float[] a = ramp(6 * 4), b = ramp(5 * 3);
        // a COLMAP scene names its views by file name, a transforms.json scene by stem
        ObjectMasks.writeCoverage(a, 6, 4, ViewMasks.coverageFile(dir, "IMG_1.jpg"));
        ObjectMasks.writeCoverage(b, 5, 3, ViewMasks.coverageFile(dir, "v001.png"));
        SceneDataset ds = new SceneDataset("s", List.of(view("IMG_1.jpg", 6, 4), view("plain.jpg", 6, 4)),
                List.of(view("v001", 5, 3)), new float[0], new float[0]);

        SceneDataset withCoverage = ViewMasks.withCoverage(ds, dir);

        float[] readA = withCoverage.train().get(0).coverage();
        for (int i = 0; i < a.length; i++) assertThat(readA[i]).isCloseTo(a[i], offset(0.6f / 255));
        assertThat(withCoverage.train().get(1).coverage()).as("a photo without a mask").isNull();
        float[] readB = withCoverage.test().get(0).coverage();
        for (int i = 0; i < b.length; i++) assertThat(readB[i]).isCloseTo(b[i], offset(0.6f / 255));
        assertThat(ViewMasks.coverageOf(withCoverage.train())).hasSize(2).containsNull();
        assertThat(ViewMasks.coverageOf(ds.train())).as("no view has one").isEmpty();
        assertThat(ViewMasks.withCoverage(ds, dir.resolve("absent"))).isSameAs(ds);
    }

    @Test
    void aCoverageOfAnotherSizeThanItsImageIsRefused(@TempDir Path dir) throws IOException {
        ObjectMasks.writeCoverage(ramp(4 * 4), 4, 4, ViewMasks.coverageFile(dir, "v000.png"));
        SceneDataset ds = new SceneDataset("s", List.of(view("v000.png", 6, 4)), List.of(), new float[0], new float[0]);
        assertThatThrownBy(() -> ViewMasks.withCoverage(ds, dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("v000.png is 4x4, its image 6x4");
    }

    @Test
    void aViewRefusesACoverageOfAnotherSize() {
        View v = view("v", 4, 4);
        assertThatThrownBy(() -> v.withCoverage(new float[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 values for 16 pixels");
    }
}
