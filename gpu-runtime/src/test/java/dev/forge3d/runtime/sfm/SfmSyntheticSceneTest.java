package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.eval.GroundTruthCameras;
import dev.forge3d.runtime.sfm.eval.PoseEvaluation;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End to end on rendered photos of a scene with known cameras: ingest, SIFT, matching, mapping, writing. */
class SfmSyntheticSceneTest {

    private static SfmOptions options() {
        return SfmOptions.defaults().withFeatureMaxDimension(640).withMaxFeatures(3000).withThreads(2);
    }

    private static IntrinsicsFile trueK() {
        return new IntrinsicsFile(SyntheticScene.W, SyntheticScene.H, SyntheticScene.F, SyntheticScene.F,
                SyntheticScene.CX, SyntheticScene.CY, 0);
    }

    private static Map<String, Pose> estimated(SfmResult r) {
        Map<String, Pose> m = new HashMap<>();
        for (int i = 0; i < r.images().size(); i++) {
            if (r.scene().registered[i]) m.put(r.images().get(i).name(), SfmOutputWriter.toPose(r.scene().poses[i]));
        }
        return m;
    }

    @Test
    void registersEveryViewWithGivenIntrinsicsAndWritesAColmapModel(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Map<String, Pose> truth = new SyntheticScene(7).writeViews(images, 6, 0);

        SfmResult r = new StructureFromMotion(options().withIntrinsics(trueK())).run(images, ProgressListener.NONE);

        assertThat(r.scene().registeredCount()).isEqualTo(6);
        assertThat(r.unregisteredImages()).isEmpty();
        assertThat(r.scene().pointCount()).isGreaterThan(500);
        assertThat(r.meanReprojectionErrorPx()).isLessThan(1.0);
        PoseEvaluation.Report e = PoseEvaluation.evaluate(estimated(r), truth);
        assertThat(e.medianRotationDeg()).isLessThan(0.1);
        assertThat(e.medianCentreFraction()).isLessThan(0.005);

        Path out = tmp.resolve("out");
        SfmOutputWriter.write(r, out, ProgressListener.NONE);
        Path model = out.resolve("sparse/0");
        assertThat(Files.readAllLines(model.resolve("cameras.txt")))
                .anyMatch(l -> l.startsWith("1 PINHOLE 640 480 520.0 520.0 320.0 240.0"));
        // The written model reads back to the same accuracy, and every registered photo is in images/.
        PoseEvaluation.Report back = PoseEvaluation.evaluate(GroundTruthCameras.readColmapImages(model), truth);
        assertThat(back.medianRotationDeg()).isCloseTo(e.medianRotationDeg(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Files.list(out.resolve("images")).count()).isEqualTo(6);
        long points = Files.readAllLines(model.resolve("points3D.txt")).stream().filter(l -> !l.startsWith("#")).count();
        assertThat(points).isEqualTo(r.scene().pointCount());
        String metrics = Files.readString(out.resolve("metrics.json"));
        assertThat(metrics).contains("\"imagesRegistered\" : 6", "\"meanTrackLength\"", "\"matching\"", "\"mapping\"");
    }

    @Test
    void writesTheModelAtASmallerTrainingSizeWithCamerasAndKeypointsScaledAlike(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        new SyntheticScene(7).writeViews(images, 6, 0);
        SfmResult r = new StructureFromMotion(options().withIntrinsics(trueK())).run(images, ProgressListener.NONE);
        Path full = tmp.resolve("full"), small = tmp.resolve("small");
        SfmOutputWriter.write(r, full, ProgressListener.NONE);
        SfmOutputWriter.write(r, small, 320, ProgressListener.NONE);

        // 640x480 written at 320 px: half the size, intrinsics halved, every keypoint halved, poses and points as they were.
        assertThat(Files.readAllLines(small.resolve("sparse/0/cameras.txt")))
                .anyMatch(l -> l.startsWith("1 PINHOLE 320 240 260.0 260.0 160.0 120.0"));
        java.awt.image.BufferedImage photo = javax.imageio.ImageIO.read(Files.list(small.resolve("images")).findFirst().orElseThrow().toFile());
        assertThat(photo.getWidth()).isEqualTo(320);
        assertThat(photo.getHeight()).isEqualTo(240);
        java.util.List<String> a = Files.readAllLines(full.resolve("sparse/0/images.txt")), b = Files.readAllLines(small.resolve("sparse/0/images.txt"));
        assertThat(b).hasSameSizeAs(a);
        int checked = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).startsWith("#") || a.get(i).isBlank()) continue;
            String[] fa = a.get(i).trim().split("\\s+"), fb = b.get(i).trim().split("\\s+");
            assertThat(fb).hasSameSizeAs(fa);
            boolean poseLine = fa.length == 10 && fa[9].endsWith(".png");
            for (int k = 0; k < fa.length; k++) {
                if (poseLine || k % 3 == 2) {
                    assertThat(fb[k]).isEqualTo(fa[k]); // the pose, the name, the point ids
                } else {
                    assertThat(Double.parseDouble(fb[k])).isCloseTo(Double.parseDouble(fa[k]) / 2, org.assertj.core.data.Offset.offset(1e-6));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
        assertThat(Files.readAllLines(small.resolve("sparse/0/points3D.txt"))).isEqualTo(Files.readAllLines(full.resolve("sparse/0/points3D.txt")));
        // Larger than the photos: written at their own size.
        SfmOutputWriter.write(r, tmp.resolve("same"), 4096, ProgressListener.NONE);
        assertThat(Files.readAllLines(tmp.resolve("same/sparse/0/cameras.txt"))).isEqualTo(Files.readAllLines(full.resolve("sparse/0/cameras.txt")));
    }

    @Test
    void selfCalibratesFocalLengthAndRadialDistortion(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        double k1 = -0.08;
        Map<String, Pose> truth = new SyntheticScene(7).writeViews(images, 6, k1);

        SfmResult r = new StructureFromMotion(options()).run(images, ProgressListener.NONE);

        assertThat(r.scene().registeredCount()).isEqualTo(6);
        LensModel lens = r.scene().lenses.get(0);
        assertThat(lens.fixed).isFalse();
        assertThat(lens.fx).isCloseTo(SyntheticScene.F, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(lens.k1).isCloseTo(k1, org.assertj.core.data.Offset.offset(0.02));
        PoseEvaluation.Report e = PoseEvaluation.evaluate(estimated(r), truth);
        assertThat(e.medianRotationDeg()).isLessThan(0.3);
        assertThat(e.medianCentreFraction()).isLessThan(0.01);

        // Undistorted photos and a PINHOLE model for training.
        Path out = tmp.resolve("out");
        SfmOutputWriter.write(r, out, ProgressListener.NONE);
        assertThat(Files.readString(out.resolve("sparse/0/cameras.txt"))).contains("PINHOLE 640 480");
        assertThat(Files.readString(out.resolve("metrics.json"))).contains("\"selfCalibrated\" : true");
    }

    @Test
    void namesThePhotoThatCouldNotBePlacedButKeepsTheModel(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        new SyntheticScene(5).writeViews(images, 5, 0);
        SyntheticScene.writeNoise(images.resolve("stray.png"), 99);

        SfmResult r = new StructureFromMotion(options().withIntrinsics(trueK())).run(images, ProgressListener.NONE);

        assertThat(r.scene().registeredCount()).isEqualTo(5);
        assertThat(r.unregisteredImages()).containsExactly("stray.png");
    }

    @Test
    void failsWithTheUnplacedPhotosNamedWhenTooFewRegister(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        new SyntheticScene(3).writeViews(images, 3, 0);
        for (int i = 0; i < 4; i++) SyntheticScene.writeNoise(images.resolve("unrelated" + i + ".png"), 100 + i);

        assertThatThrownBy(() -> new StructureFromMotion(options().withIntrinsics(trueK())).run(images, ProgressListener.NONE))
                .isInstanceOf(SfmException.class)
                .hasMessageContaining("could only place 3 of 7 photos")
                .hasMessageContaining("unrelated0.png: no overlap with a placed photo")
                .satisfies(ex -> assertThat(((SfmException) ex).images())
                        .containsExactly("unrelated0.png", "unrelated1.png", "unrelated2.png", "unrelated3.png"));
    }

    @Test
    void leavesOutTheStillBackgroundOfAFixedCamera(@TempDir Path tmp) throws Exception {
        // A turntable: the camera stands still, so the backdrop is on the same pixels in every photo while the
        // subject moves. Here the left 45 % of every view is one fixed textured backdrop.
        Path images = Files.createDirectories(tmp.resolve("images"));
        Map<String, Pose> truth = new SyntheticScene(7).writeViews(images, 6, 0);
        Path backdropFile = tmp.resolve("backdrop.png");
        SyntheticScene.writeNoise(backdropFile, 99);
        java.awt.image.BufferedImage backdrop = javax.imageio.ImageIO.read(backdropFile.toFile());
        int still = (int) (0.45 * SyntheticScene.W);
        for (String name : truth.keySet()) {
            java.awt.image.BufferedImage view = javax.imageio.ImageIO.read(images.resolve(name).toFile());
            view.getGraphics().drawImage(backdrop.getSubimage(0, 0, still, SyntheticScene.H), 0, 0, null);
            javax.imageio.ImageIO.write(view, "png", images.resolve(name).toFile());
        }

        SfmResult r = new StructureFromMotion(options().withIntrinsics(trueK())).run(images, ProgressListener.NONE);

        assertThat(r.staticMatchesDropped()).isGreaterThan(15 * 200);
        assertThat(r.scene().registeredCount()).isEqualTo(6);
        // Half the features are gone with the backdrop (and the keypoints that stood still leave every pair of their
        // photo): 0.32 degrees measured, against 0.1 for the whole views.
        PoseEvaluation.Report e = PoseEvaluation.evaluate(estimated(r), truth);
        assertThat(e.medianRotationDeg()).isLessThan(0.6);
        assertThat(e.medianCentreFraction()).isLessThan(0.005);
    }

    @Test
    void failsClearlyOnUnrelatedPhotos(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 4; i++) SyntheticScene.writeNoise(images.resolve("noise" + i + ".png"), 200 + i);

        assertThatThrownBy(() -> new StructureFromMotion(options()).run(images, ProgressListener.NONE))
                .isInstanceOf(SfmException.class)
                .hasMessageContaining("no overlapping photos")
                .satisfies(ex -> assertThat(((SfmException) ex).images()).hasSize(4));
    }

    @Test
    void needsAtLeastThreeReadablePhotos(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        new SyntheticScene(1).writeViews(images, 2, 0);
        Files.writeString(images.resolve("broken.jpg"), "not a jpeg");

        assertThatThrownBy(() -> new StructureFromMotion(options()).run(images, ProgressListener.NONE))
                .isInstanceOf(SfmException.class)
                .hasMessageContaining("need at least 3 readable photos, found 2")
                .hasMessageContaining("broken.jpg (cannot decode");
    }

    @Test
    void stopsWhenCancelled(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        new SyntheticScene(2).writeViews(images, 3, 0);
        ProgressListener cancelled = new ProgressListener() {
            @Override public void onProgress(dev.forge3d.runtime.progress.Progress p) { }
            @Override public boolean cancelRequested() { return true; }
        };
        assertThatThrownBy(() -> new StructureFromMotion(options()).run(images, cancelled))
                .isInstanceOf(dev.forge3d.runtime.progress.CancelledException.class);
    }
}
