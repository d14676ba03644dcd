package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.NerfSyntheticLoader;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A short real-data run: lego at 100x100 (downscale 8), a few hundred iterations, held-out PSNR above a floor. */
class LegoShortRunTest {

    @Test
    void legoAtLowResolutionLearnsTheObject() {
        Optional<Path> lego = SharedData.dataset("nerf-synthetic-lego");
        assumeTrue(lego.isPresent(), "skipped: ../shared/datasets/nerf-synthetic-lego not found (see shared/datasets/README.md)");
        SceneDataset ds = NerfSyntheticLoader.load(lego.get(), LoadOptions.defaults(8));
        assertThat(ds.train()).hasSize(87);
        assertThat(ds.test()).hasSize(13);
        TrainConfig cfg = new TrainConfig();
        cfg.iterations = 400;
        cfg.initPoints = 10_000;
        cfg.threads = 2;
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            Trainer t = new Trainer(ds, cfg, r);
            double before = Evaluation.evaluate(t.model(), ds.test(), r, RasterSettings.white()).psnr();
            Trainer.Result res = t.train(ProgressListener.NONE);
            Evaluation.Result after = Evaluation.evaluate(t.model(), ds.test(), r, RasterSettings.white());
            System.out.printf("lego 100x100: held-out PSNR %.2f -> %.2f dB (SSIM %.3f) after %d iterations, %.1f s%n",
                    before, after.psnr(), after.ssim(), res.iterations(), res.seconds());
            assertThat(after.psnr()).isGreaterThan(before + 5).isGreaterThan(19);
        }
    }
}
