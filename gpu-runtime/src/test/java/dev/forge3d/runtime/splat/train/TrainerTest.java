package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short training runs on a scene the project renders itself (32x32 views of 60 coloured Gaussians). */
class TrainerTest {

    static SceneDataset scene;

    @BeforeAll
    static void makeScene() {
        scene = SyntheticScene.dataset(24, 32);
    }

    static TrainConfig config(int iterations) {
        TrainConfig c = new TrainConfig();
        c.iterations = iterations;
        c.threads = 2;
        c.seed = 7;
        c.initPoints = 3000;
        c.initHalfExtent = 0.8;
        c.densifyFrom = 100;
        c.opacityResetInterval = 0;
        c.shDegreeInterval = 100;
        return c;
    }

    static byte[] ply(Trainer t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PlyWriter.write(t.model(), out);
        return out.toByteArray();
    }

    @Test
    void randomPointsBesideSfmPointsStayUnderTheGaussianCeiling() {
        float[] pts = new float[3 * 50], cols = new float[3 * 50];
        for (int i = 0; i < pts.length; i++) { pts[i] = (i % 7) * 0.05f; cols[i] = 0.5f; }
        SceneDataset withPoints = new SceneDataset("points", scene.train(), scene.test(), pts, cols);
        TrainConfig cfg = config(10);
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            try (Trainer t = new Trainer(withPoints, cfg, r)) {
                assertThat(t.model().size()).as("3DGS: SfM points alone").isEqualTo(50);
            }
            cfg.randomPointsWithSfm = 1000;
            try (Trainer t = new Trainer(withPoints, cfg, r)) {
                assertThat(t.model().size()).isEqualTo(1050);
                assertThat(t.model().positions()[3]).isEqualTo(pts[3]);
            }
            cfg.maxGaussians = 80;
            try (Trainer t = new Trainer(withPoints, cfg, r)) {
                assertThat(t.model().size()).as("within the ceiling").isEqualTo(80);
            }
        }
    }

    @Test
    void trainingReducesTheLossAndReachesAPsnrFloorOnHeldOutViews() {
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            TrainConfig cfg = config(600);
            Trainer t = new Trainer(scene, cfg, r);
            double before = Evaluation.evaluate(t.model(), scene.test(), r, RasterSettings.white()).psnr();
            List<Progress> reports = new ArrayList<>();
            Trainer.Result res = t.train(reports::add);
            double after = Evaluation.evaluate(t.model(), scene.test(), r, RasterSettings.white()).psnr();
            System.out.printf("synthetic scene: held-out PSNR %.2f -> %.2f dB, %d Gaussians, %.1f s%n", before, after, res.gaussians(), res.seconds());
            assertThat(after).isGreaterThan(before + 8).isGreaterThan(24);
            assertThat(reports).isNotEmpty();
            assertThat(reports.getLast().fraction()).isEqualTo(1.0);
            assertThat(reports.getLast().stats()).containsKeys("loss", "psnr", "gaussians");
            assertThat(t.model().shDegree()).isEqualTo(3);
        }
    }

    @Test
    void sameSeedGivesTheSamePlyByteForByte() throws Exception {
        byte[] a, b, c;
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(scene, config(250), r);
            t.train(ProgressListener.NONE);
            a = ply(t);
        }
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(scene, config(250), r);
            t.train(ProgressListener.NONE);
            b = ply(t);
        }
        TrainConfig other = config(250);
        other.seed = 8;
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(scene, other, r);
            t.train(ProgressListener.NONE);
            c = ply(t);
        }
        assertThat(java.util.Arrays.equals(a, b)).as("same seed, same bytes").isTrue();
        assertThat(java.util.Arrays.equals(a, c)).as("another seed, other bytes").isFalse();
    }

    @Test
    void aResumedRunContinuesExactlyWhereTheCheckpointWasTaken(@TempDir Path dir) throws Exception {
        byte[] straight;
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(scene, config(260), r);
            t.train(ProgressListener.NONE);
            straight = ply(t);
        }
        Path ckpt = dir.resolve("checkpoint.bin");
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            TrainConfig cfg = config(260);
            cfg.checkpointEvery = 130;
            Trainer t = new Trainer(scene, cfg, r);
            t.onCheckpoint(s -> CheckpointIo.write(s, ckpt));
            // a listener that cancels right after the checkpoint at 130, like a worker losing its lease
            assertThatThrownBy(() -> t.train(new ProgressListener() {
                @Override public void onProgress(Progress p) { }
                @Override public boolean cancelRequested() { return t.state().iteration >= 135; }
            })).isInstanceOf(CancelledException.class);
        }
        TrainingState restored = CheckpointIo.read(ckpt, 1e-15);
        assertThat(restored.iteration).isEqualTo(130);
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(scene, config(260), r, restored);
            t.train(ProgressListener.NONE);
            assertThat(java.util.Arrays.equals(ply(t), straight)).as("resumed PLY equals the uninterrupted one").isTrue();
        }
    }
}
