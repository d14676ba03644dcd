package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.TestScenes;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.Evaluation;
import dev.forge3d.runtime.splat.train.SyntheticScene;
import dev.forge3d.runtime.splat.train.TrainConfig;
import dev.forge3d.runtime.splat.train.Trainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CUDA backend against the CPU reference on random scenes. Runs only where a CUDA device is usable (tag {@code gpu});
 * elsewhere every test is skipped with the probe's reason.
 *
 * <p>Tolerances (float32 on both sides; the CPU blends with a polynomial exp and fixed-order sums, the GPU with
 * expf and warp-reduced atomics, and a pixel whose alpha or transmittance sits exactly at a cut-off can flip):
 * images: relative L2 error at most 1e-4 and no pixel off by more than 5e-3; gradients, per parameter group:
 * relative L2 error at most 2e-3; footprint radii: identical for at least 99.9% of Gaussians.
 */
@Tag("gpu")
class CudaParityTest {

    static final double IMAGE_REL = 1e-4, IMAGE_MAX = 5e-3, GRAD_REL = 2e-3;

    @BeforeEach
    void needsCuda() {
        CudaStatus s = CudaProbe.status();
        assumeTrue(s.usable(), () -> "no usable CUDA device, skipping GPU parity test: " + s.reason());
    }

    @ParameterizedTest(name = "{0} Gaussians, {1}x{2}, SH degree {3}, alpha/depth gradients {4}")
    @CsvSource({
            "300, 64, 48, 3, true",
            "2000, 173, 97, 1, true",
            "2000, 173, 97, 0, false",
            "60000, 400, 300, 3, false",   // multi-level scans, many radix blocks
            "150000, 800, 800, 3, true"})
    void forwardImagesAndEveryGradientMatchTheCpuBackend(int n, int w, int h, int deg, boolean extraChannels) {
        GaussianModel model = TestScenes.random(n, 11 + n, deg);
        Camera cam = TestScenes.camera(w, h);
        RasterSettings bg = RasterSettings.white();
        SplittableRandom rnd = new SplittableRandom(5);
        int plane = w * h;
        float[] dRgb = randoms(rnd, 3 * plane), dA = extraChannels ? randoms(rnd, plane) : null, dD = extraChannels ? randoms(rnd, plane) : null;
        ImageGradient dL = new ImageGradient(dRgb, dA, dD);
        GaussianGradients gCpu = new GaussianGradients(n), gGpu = new GaussianGradients(n);
        RenderResult rc, rg;
        try (CpuRasterizer cpu = new CpuRasterizer(); CudaRasterizer gpu = new CudaRasterizer()) {
            rc = cpu.forward(model, cam, bg);
            cpu.backward(rc, dL, gCpu);
            rg = gpu.forward(model, cam, bg);
            gpu.backward(rg, dL, gGpu);
        }
        assertClose("rgb", rc.rgb(), rg.rgb(), 3 * plane, IMAGE_REL, IMAGE_MAX);
        assertClose("alpha", rc.alpha(), rg.alpha(), plane, IMAGE_REL, IMAGE_MAX);
        assertClose("depth", rc.depth(), rg.depth(), plane, IMAGE_REL, 5 * IMAGE_MAX);
        int same = 0;
        for (int i = 0; i < n; i++) if (rc.radii()[i] == rg.radii()[i]) same++;
        assertThat(same).as("identical radii").isGreaterThanOrEqualTo((int) Math.ceil(0.999 * n));
        for (ParamGroup g : ParamGroup.ALL) {
            int count = n * g.dim;
            if (g == ParamGroup.SH_REST && deg == 0) {
                for (int k = 0; k < count; k++) assertThat(gGpu.get(g)[k]).isZero();
                continue;
            }
            assertClose("d" + g, gCpu.get(g), gGpu.get(g), count, GRAD_REL, Double.POSITIVE_INFINITY);
        }
        assertClose("d mean2d", gCpu.meanGrad2d(), gGpu.meanGrad2d(), 2 * n, GRAD_REL, Double.POSITIVE_INFINITY);
    }

    @Test
    void anEmptySceneRendersTheBackground() {
        try (CudaRasterizer gpu = new CudaRasterizer()) {
            RenderResult r = gpu.forward(new GaussianModel(0), TestScenes.camera(40, 30), RasterSettings.white());
            for (float v : r.rgb()) assertThat(v).isEqualTo(1f);
            for (float v : r.alpha()) assertThat(v).isZero();
        }
    }

    @Test
    void outOfMemoryIsAClearExceptionAndTheRasterizerStaysUsable() {
        try (CudaRasterizer gpu = new CudaRasterizer(); CudaContext ctx = new CudaContext()) {
            assertThatThrownBy(() -> ctx.alloc(1L << 50, "a test allocation"))
                    .isInstanceOf(CudaOutOfMemoryException.class).hasMessageStartingWith("CUDA out of memory: a test allocation needs");
            RenderResult r = gpu.forward(TestScenes.random(100, 3, 0), TestScenes.camera(32, 32), RasterSettings.black());
            assertThat(r.alpha()).isNotEmpty();
        }
    }

    @Test
    void aShortTrainingRunReachesTheSamePsnrAsOnTheCpu() {
        SceneDataset scene = SyntheticScene.dataset(24, 32);
        double cpuPsnr, gpuPsnr;
        try (CpuRasterizer r = new CpuRasterizer()) {
            Trainer t = new Trainer(scene, config(600), r);
            t.train(p -> { });
            cpuPsnr = Evaluation.evaluate(t.model(), scene.test(), r, RasterSettings.white()).psnr();
        }
        try (CudaRasterizer r = new CudaRasterizer()) {
            Trainer t = new Trainer(scene, config(600), r);
            t.train(p -> { });
            gpuPsnr = Evaluation.evaluate(t.model(), scene.test(), r, RasterSettings.white()).psnr();
        }
        System.out.printf(Locale.ROOT, "training parity: held-out PSNR cpu %.3f dB, cuda %.3f dB%n", cpuPsnr, gpuPsnr);
        assertThat(gpuPsnr).isCloseTo(cpuPsnr, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void theFusedAdamStepMatchesTheCpuOptimizer() {
        int n = 5000;
        SplittableRandom rnd = new SplittableRandom(9);
        dev.forge3d.runtime.splat.GaussianTable pc = new dev.forge3d.runtime.splat.GaussianTable(n), pg = new dev.forge3d.runtime.splat.GaussianTable(n);
        for (ParamGroup g : ParamGroup.ALL) {
            float[] a = randoms(rnd, n * g.dim);
            System.arraycopy(a, 0, pc.get(g), 0, a.length);
            System.arraycopy(a, 0, pg.get(g), 0, a.length);
        }
        double[] lr = {1.6e-4, 5e-3, 1e-3, 0.05, 2.5e-3, 1.25e-4};
        dev.forge3d.runtime.splat.train.Adam cpu = new dev.forge3d.runtime.splat.train.Adam(n, 1e-15);
        dev.forge3d.runtime.splat.GaussianTable m = new dev.forge3d.runtime.splat.GaussianTable(n), v = new dev.forge3d.runtime.splat.GaussianTable(n);
        try (CudaAdam gpu = new CudaAdam(); java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(2)) {
            for (int step = 0; step < 3; step++) {
                dev.forge3d.runtime.splat.GaussianTable gc = new dev.forge3d.runtime.splat.GaussianTable(n), gg = new dev.forge3d.runtime.splat.GaussianTable(n);
                for (ParamGroup g : ParamGroup.ALL) {
                    float[] a = randoms(rnd, n * g.dim);
                    System.arraycopy(a, 0, gc.get(g), 0, a.length);
                    System.arraycopy(a, 0, gg.get(g), 0, a.length);
                }
                cpu.update(pc, gc, lr, pool);
                gpu.update(pg, gg, m, v, lr, 1e-15);
                for (ParamGroup g : ParamGroup.ALL) for (int k = 0; k < n * g.dim; k++) assertThat(gg.get(g)[k]).isZero();
            }
        }
        for (ParamGroup g : ParamGroup.ALL) {
            assertClose("adam " + g, pc.get(g), pg.get(g), n * g.dim, 1e-6, 1e-6);
            assertClose("adam m " + g, cpu.firstMoments().get(g), m.get(g), n * g.dim, 1e-6, 1e-6);
            assertClose("adam v " + g, cpu.secondMoments().get(g), v.get(g), n * g.dim, 1e-6, 1e-6);
        }
    }

    /** The same schedule as the CPU trainer's own tests (TrainerTest). */
    static TrainConfig config(int iterations) {
        TrainConfig c = new TrainConfig();
        c.iterations = iterations;
        c.threads = Math.min(8, Runtime.getRuntime().availableProcessors());
        c.seed = 7;
        c.initPoints = 3000;
        c.initHalfExtent = 0.8;
        c.densifyFrom = 100;
        c.opacityResetInterval = 0;
        c.shDegreeInterval = 100;
        return c;
    }

    static float[] randoms(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    static void assertClose(String what, float[] ref, float[] got, int count, double relL2, double maxAbs) {
        double num = 0, den = 0, worst = 0;
        for (int i = 0; i < count; i++) {
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
            worst = Math.max(worst, Math.abs(d));
        }
        double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
        System.out.printf(Locale.ROOT, "%-14s relative L2 %.2e, max abs %.2e%n", what, rel, worst);
        assertThat(rel).as(what + " relative L2 error").isLessThanOrEqualTo(relL2);
        assertThat(worst).as(what + " max abs error").isLessThanOrEqualTo(maxAbs);
    }
}
