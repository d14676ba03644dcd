package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.image.ingest.ExifInfo;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.eval.PoseEvaluation;
import dev.forge3d.runtime.sfm.features.FeatureMask;
import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Masks drop the keypoints on their black parts, COLMAP's mask_path semantics. */
class FeatureMaskTest {

    /** A PNG of {@code w x h}: black left of column {@code blackUntil}, white from there (8-bit grey). */
    private static void writeMask(Path file, int w, int h, int blackUntil) throws Exception {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var r = m.getRaster();
        for (int y = 0; y < h; y++) for (int x = blackUntil; x < w; x++) r.setSample(x, y, 0, 255);
        ImageIO.write(m, "png", file.toFile());
    }

    @Test
    void structureFromMotionIgnoresKeypointsUnderTheBlackHalfAndStillGetsTheCamerasRight(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path masks = Files.createDirectories(tmp.resolve("masks"));
        Map<String, Pose> truth = new SyntheticScene(7).writeViews(images, 6, 0);
        int i = 0;
        for (String name : truth.keySet()) {
            // Both naming rules: COLMAP's view00.png.png and the plain view01.png (stem + .png).
            String maskName = i++ % 2 == 0 ? name + ".png" : name;
            writeMask(masks.resolve(maskName), SyntheticScene.W, SyntheticScene.H, SyntheticScene.W / 2);
        }
        FeatureMask mask = FeatureMask.folder(masks);
        SfmOptions options = SfmOptions.defaults().withFeatureMaxDimension(640).withMaxFeatures(3000).withThreads(2)
                .withIntrinsics(new IntrinsicsFile(SyntheticScene.W, SyntheticScene.H, SyntheticScene.F, SyntheticScene.F,
                        SyntheticScene.CX, SyntheticScene.CY, 0));

        SfmResult r = new StructureFromMotion(options, mask).run(images, ProgressListener.NONE);

        // Every observation of every point lies in the white half (features at full resolution: pixel 320 starts at x = 320).
        long observations = 0;
        for (int t = 0; t < r.scene().points.length; t++) {
            if (r.scene().points[t] == null) continue;
            for (int k = 0; k < r.scene().tracks.images[t].length; k++) {
                assertThat(r.scene().px(t, k)).isGreaterThanOrEqualTo(SyntheticScene.W / 2.0);
                observations++;
            }
        }
        assertThat(observations).isGreaterThan(500);
        FeatureMask.Stats s = mask.stats();
        assertThat(s.photosMasked()).isEqualTo(6);
        // The scene is textured everywhere: about half the keypoints were under the black half.
        assertThat((double) s.keypointsDropped() / s.keypointsOnMaskedPhotos()).isBetween(0.3, 0.7);
        // And the half-photos still give the right cameras.
        assertThat(r.scene().registeredCount()).isEqualTo(6);
        Map<String, Pose> est = new HashMap<>();
        for (int j = 0; j < r.images().size(); j++) {
            if (r.scene().registered[j]) est.put(r.images().get(j).name(), SfmOutputWriter.toPose(r.scene().poses[j]));
        }
        PoseEvaluation.Report e = PoseEvaluation.evaluate(est, truth);
        assertThat(e.medianRotationDeg()).isLessThan(0.2);
        assertThat(e.medianCentreFraction()).isLessThan(0.01);
    }

    @Test
    void resamplesTheMaskToTheFeatureImageAndRefusesOneOfAnotherSize(@TempDir Path tmp) throws Exception {
        Path masks = Files.createDirectories(tmp.resolve("masks"));
        // A 200x100 photo whose features come from a 100x50 copy (2 full pixels per feature pixel); mask black left of x=100.
        writeMask(masks.resolve("a.jpg.png"), 200, 100, 100);
        IngestedImage photo = new IngestedImage("a.jpg", tmp.resolve("a.jpg"), 200, 100, ExifInfo.NONE, OptionalDouble.empty(),
                new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB), 2, 2);
        ImageFeatures f = new ImageFeatures(new double[] {10, 99.9, 100.1, 190}, new double[] {5, 50, 50, 95},
                new float[] {1, 0, 2, 0, 3, 0, 4, 0}, 2);
        FeatureMask mask = FeatureMask.folder(masks);

        ImageFeatures kept = mask.apply(photo, f);

        assertThat(kept.x()).containsExactly(100.1, 190);
        assertThat(kept.descriptors()).containsExactly(3, 0, 4, 0);
        assertThat(mask.stats()).isEqualTo(new FeatureMask.Stats(1, 2, 4));
        // A photo without a mask keeps everything and is not counted.
        IngestedImage other = new IngestedImage("b.jpg", tmp.resolve("b.jpg"), 200, 100, ExifInfo.NONE, OptionalDouble.empty(),
                new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB), 2, 2);
        assertThat(mask.apply(other, f)).isSameAs(f);
        assertThat(mask.stats().photosMasked()).isEqualTo(1);

        writeMask(masks.resolve("b.png"), 100, 200, 10);
        assertThatThrownBy(() -> mask.apply(other, f)).isInstanceOf(SfmException.class)
                .hasMessageContaining("the mask b.png is 100x200 but its photo b.jpg is 200x100");
    }

    @Test
    void masksAreFilesInAMasksFolder() {
        assertThat(FeatureMask.isMaskPath("masks/a.png")).isTrue();
        assertThat(FeatureMask.isMaskPath("scene/masks/a.jpg.png")).isTrue();
        assertThat(FeatureMask.isMaskPath("images/masks.png")).isFalse();
        assertThat(FeatureMask.isMaskPath("mymasks/a.png")).isFalse();
    }
}
