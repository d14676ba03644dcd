package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Photo sets from which no correct model can be built must fail with a reason a photographer can act on, never
 * return a model: here, photos taken from one spot (the camera only turns, so every pair is related by a
 * homography and nothing can be triangulated).
 */
class SfmDegenerateSetTest {

    private static SfmOptions options() {
        return SfmOptions.defaults().withFeatureMaxDimension(640).withMaxFeatures(3000).withThreads(2);
    }

    /** Five views of the synthetic scene from one camera centre, turned by 4 degrees between shots. */
    private static Path photosFromOneSpot(Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        SyntheticScene scene = new SyntheticScene(11);
        LensModel lens = new LensModel(SyntheticScene.W, SyntheticScene.H, SyntheticScene.F, SyntheticScene.F,
                SyntheticScene.CX, SyntheticScene.CY, 0, true);
        double[] centre = {0, 0, 0};
        for (int i = 0; i < 5; i++) {
            double a = Math.toRadians(-8 + 4 * i);
            double[] z = {Math.sin(a), 0.05, Math.cos(a)};
            double l = Math.sqrt(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
            z = new double[] {z[0] / l, z[1] / l, z[2] / l};
            double[] x = {z[2], 0, -z[0]};
            double lx = Math.sqrt(x[0] * x[0] + x[2] * x[2]);
            x = new double[] {x[0] / lx, 0, x[2] / lx};
            double[] y = {z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]};
            double[] rc2w = {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]};
            ImageIO.write(scene.render(Pose.fromCameraToWorld(rc2w, centre), lens), "png",
                    images.resolve("turn" + i + ".png").toFile());
        }
        return images;
    }

    @Test
    void photosFromOneSpotFailWithTheReasonWhenSelfCalibrating(@TempDir Path tmp) throws Exception {
        Path images = photosFromOneSpot(tmp);

        SfmException e = failure(() -> new StructureFromMotion(options()).run(images, ProgressListener.NONE));
        assertThat(e).hasMessageContaining("photos taken from one spot").hasMessageContaining("move around the subject");
        assertThat(e.images()).hasSize(5);
    }

    @Test
    void photosFromOneSpotFailWithTheReasonEvenWithTheTrueIntrinsics(@TempDir Path tmp) throws Exception {
        Path images = photosFromOneSpot(tmp);
        IntrinsicsFile k = new IntrinsicsFile(SyntheticScene.W, SyntheticScene.H, SyntheticScene.F, SyntheticScene.F,
                SyntheticScene.CX, SyntheticScene.CY, 0);

        SfmException e = failure(() -> new StructureFromMotion(options().withIntrinsics(k)).run(images, ProgressListener.NONE));
        assertThat(e).hasMessageContaining("photos taken from one spot");
    }

    /** The run's exception; a returned model fails the test with its validation report (what was wrongly accepted). */
    private static SfmException failure(java.util.function.Supplier<SfmResult> run) {
        try {
            SfmResult r = run.get();
            throw new AssertionError("returned a model instead of failing: " + r.validation().toMap());
        } catch (SfmException e) {
            return e;
        }
    }
}
