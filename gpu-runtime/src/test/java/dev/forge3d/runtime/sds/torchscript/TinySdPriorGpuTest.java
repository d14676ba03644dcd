package dev.forge3d.runtime.sds.torchscript;

import ai.djl.Device;
import dev.forge3d.runtime.sds.PriorDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exported prior on a CUDA device: with CUDA natives and a GPU (docs/text-to-3d.md, GPU workers) the prior's
 * modules and tensors live on the GPU and SDS gradients match the CPU's. Skips with the probe's reason elsewhere
 * (the default build carries CPU natives only).
 */
@Tag("gpu")
class TinySdPriorGpuTest {

    @Test
    void priorRunsOnTheGpuAndAgreesWithTheCpu() {
        PriorDevice d = PriorDevice.select("auto");
        assumeTrue(d.device().isGpu(), () -> "the prior has no CUDA device here, skipping: " + d.reason());
        int b = 2;
        try (TorchScriptDiffusionPrior gpu = TorchScriptDiffusionPrior.load(TinySd.dir())) {
            assertThat(gpu.device().device()).isEqualTo(Device.gpu(0));
            assertThat(gpu.runtime().get("device")).isEqualTo("gpu(0)");
            int s = gpu.imageSize();
            Random r = new Random(9);
            float[] x = new float[b * 3 * s * s];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
            float[] eps = new float[b * gpu.noiseValuesPerImage()];
            for (int i = 0; i < eps.length; i++) eps[i] = (float) r.nextGaussian();
            float[] g = gpu.sdsGradient(x, eps, new int[] {200, 700}, gpu.encode("a red cube"), 7.5);
            System.setProperty(PriorDevice.PROPERTY, "cpu");
            try (TorchScriptDiffusionPrior cpu = TorchScriptDiffusionPrior.load(TinySd.dir())) {
                float[] c = cpu.sdsGradient(x, eps, new int[] {200, 700}, cpu.encode("a red cube"), 7.5);
                double diff = 0, norm = 0;
                for (int i = 0; i < g.length; i++) { diff += (g[i] - c[i]) * (g[i] - c[i]); norm += c[i] * c[i]; }
                assertThat(Math.sqrt(diff / norm)).isLessThan(1e-3);
            } finally {
                System.clearProperty(PriorDevice.PROPERTY);
            }
        }
    }
}
