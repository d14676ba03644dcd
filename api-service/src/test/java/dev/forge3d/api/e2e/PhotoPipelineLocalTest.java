package dev.forge3d.api.e2e;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyReader;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.pipeline.JobParams;
import dev.forge3d.worker.pipeline.LocalPipelineRunner;
import dev.forge3d.worker.pipeline.stages.PhotoToSplat;
import dev.forge3d.worker.pipeline.stages.WorkerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The photos-to-splat pipeline on local folders (no server): the stages themselves, fast to debug. */
class PhotoPipelineLocalTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void photosBecomeASplatAndASecondRunResumesFromTheCheckpoints(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("in/images"));
        SyntheticPhotos scene = new SyntheticPhotos(320, 240, 11);
        for (Map.Entry<String, byte[]> e : scene.views(8).entrySet()) Files.write(images.resolve(e.getKey()), e.getValue());
        ObjectNode params = JSON.createObjectNode().put("preset", "preview").put("iterations", "150");
        WorkerLimits limits = WorkerLimits.cpuDefaults().withCheckpointEvery(50, 3600);

        long t0 = System.nanoTime();
        ObjectNode metrics = LocalPipelineRunner.run(PhotoToSplat.pipeline(limits), "local", new JobParams(params),
                tmp.resolve("in"), tmp.resolve("out"), tmp.resolve("work"), tmp.resolve("ckpt"), Capabilities.cpu(2, 1L << 30),
                ProgressListener.NONE);
        System.out.printf("pipeline: %.1f s, metrics %s%n", (System.nanoTime() - t0) / 1e9, metrics);

        Path out = tmp.resolve("out");
        for (String f : new String[] {"scene.ply", "scene.splat", "scene.spz", "model.glb", "cameras/cameras.txt", "cameras/images.txt",
                "cameras/points3D.txt", "preview.png", "metrics.json"}) {
            assertThat(out.resolve(f)).as(f).isRegularFile();
        }
        GaussianModel model = PlyReader.read(out.resolve("scene.ply"));
        assertThat(model.size()).isEqualTo(metrics.path("gaussiansDelivered").asInt()).isPositive();
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(8);
        assertThat(metrics.path("psnr").asDouble()).isGreaterThan(15); // 9.9 dB before training (1 iteration), 16.9 dB measured
        assertThat(Files.exists(tmp.resolve("ckpt/sfm/scene.zip"))).isTrue();
        assertThat(Files.exists(tmp.resolve("ckpt/train/state.bin"))).isTrue();

        // A second run with the same checkpoints reuses SfM and resumes training at the last checkpoint.
        JsonNode again = LocalPipelineRunner.run(PhotoToSplat.pipeline(limits), "local", new JobParams(params),
                tmp.resolve("in"), tmp.resolve("out2"), tmp.resolve("work2"), tmp.resolve("ckpt"), Capabilities.cpu(2, 1L << 30),
                ProgressListener.NONE);
        assertThat(again.path("sfm").path("reusedFromCheckpoint").asBoolean()).isTrue();
        assertThat(again.path("train").path("resumedFromIteration").asInt()).isEqualTo(100);
        assertThat(again.path("train").path("iterations").asInt()).isEqualTo(150);
    }

    @Test
    void structureFromMotionReadsThePhotosAtTheirOwnSizeAndTheCamerasAreScaledToTraining(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("in/images"));
        SyntheticPhotos scene = new SyntheticPhotos(320, 240, 11);
        for (Map.Entry<String, byte[]> e : scene.views(8).entrySet()) Files.write(images.resolve(e.getKey()), e.getValue());
        ObjectNode params = JSON.createObjectNode().put("preset", "preview").put("maxResolution", "160").put("iterations", "5")
                .put("outputFormats", "ply");
        ObjectNode metrics = LocalPipelineRunner.run(PhotoToSplat.pipeline(WorkerLimits.cpuDefaults()), "local", new JobParams(params),
                tmp.resolve("in"), tmp.resolve("out"), tmp.resolve("work"), tmp.resolve("ckpt"), Capabilities.cpu(2, 1L << 30),
                ProgressListener.NONE);

        assertThat(metrics.path("sfm").path("featureResolution").asInt()).isEqualTo(3072);
        assertThat(metrics.path("sfm").path("photoResolution").asString()).isEqualTo("320x240"); // never upscaled
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(8);
        assertThat(metrics.path("train").path("resolution").asString()).isEqualTo("160x120");
        // The delivered COLMAP model describes the training photos: 160x120 cameras, keypoints inside them.
        java.util.List<String> cameras = Files.readAllLines(tmp.resolve("out/cameras/cameras.txt"));
        assertThat(cameras).anyMatch(l -> l.matches("\\d+ PINHOLE 160 120 .*"));
        for (String line : Files.readAllLines(tmp.resolve("out/cameras/images.txt"))) {
            String[] f = line.trim().split("\\s+");
            if (line.startsWith("#") || line.isBlank() || f.length == 10) continue;
            for (int k = 0; k + 2 < f.length; k += 3) {
                assertThat(Double.parseDouble(f[k])).isBetween(0.0, 160.0);
                assertThat(Double.parseDouble(f[k + 1])).isBetween(0.0, 120.0);
            }
        }
    }
}
