package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.DatasetLoader;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.Evaluation;
import dev.forge3d.runtime.splat.train.GaussianInitializer;
import dev.forge3d.runtime.splat.train.Rng;
import dev.forge3d.runtime.splat.train.TrainConfig;
import dev.forge3d.runtime.splat.train.Trainer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmarks run by the gpu-check pack on a GPU machine (a main, not a test):
 * <pre>
 *   raster N[,N..] SIZE[,SIZE..] ITERATIONS    forward+backward ms per iteration, CPU and CUDA side by side
 *   train DATA DOWNSCALE ITERATIONS|SECONDSs BACKEND   training wall time, it/s, held-out PSNR, peak device memory
 * </pre>
 * Each result is also printed as one JSON line starting with {@code RESULT }.
 */
public final class CudaBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("raster")) raster(ints(args[1]), ints(args[2]), Integer.parseInt(args[3]));
        else if (args.length == 5 && args[0].equals("train")) train(Path.of(args[1]), Integer.parseInt(args[2]), args[3], args[4]);
        else {
            System.err.println("usage: CudaBenchmark raster N[,N..] SIZE[,SIZE..] ITERATIONS | train DATA DOWNSCALE ITERATIONS|SECONDSs cpu|cuda");
            System.exit(2);
        }
    }

    static int[] ints(String s) { return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray(); }

    static void raster(int[] counts, int[] sizes, int iterations) {
        // lego's first training camera at radius 4 with lego's field of view, as bench-raster uses
        double[] c2w = {-0.9999, 0.0042, -0.0133, -0.0538, -0.0140, -0.2997, 0.9539, 3.8455, 0, 0.9540, 0.2997, 1.2089, 0, 0, 0, 1};
        Pose pose = Pose.fromOpenGlCameraToWorld(c2w);
        for (int n : counts) {
            GaussianModel model = GaussianInitializer.random(n, 1.3, new Rng(0));
            Arrays.fill(model.opacityLogits(), 0, n, GaussianModel.logit(0.1f));
            for (int size : sizes) {
                Camera cam = new Camera("bench", Intrinsics.fromFovX(size, size, 0.6911112070083618), pose);
                double[] cpu, gpu;
                try (CpuRasterizer r = new CpuRasterizer()) { cpu = time(r, model, cam, iterations); }
                try (CudaRasterizer r = new CudaRasterizer()) { gpu = time(r, model, cam, iterations); }
                System.out.printf(Locale.ROOT, "raster %d Gaussians %dx%d: cpu (%d threads) fwd %.2f + bwd %.2f = %.2f ms | cuda fwd %.2f + bwd %.2f = %.2f ms | speed-up %.1fx%n",
                        n, size, size, Runtime.getRuntime().availableProcessors(), cpu[0], cpu[1], cpu[0] + cpu[1], gpu[0], gpu[1], gpu[0] + gpu[1],
                        (cpu[0] + cpu[1]) / (gpu[0] + gpu[1]));
                System.out.printf(Locale.ROOT, "RESULT {\"bench\":\"raster\",\"gaussians\":%d,\"size\":%d,\"cpu_forward_ms\":%.3f,\"cpu_backward_ms\":%.3f,\"cuda_forward_ms\":%.3f,\"cuda_backward_ms\":%.3f}%n",
                        n, size, cpu[0], cpu[1], gpu[0], gpu[1]);
            }
        }
    }

    /** Mean forward and backward ms (wall; both end with a device-to-host copy, so CUDA time is complete). */
    static double[] time(Rasterizer r, GaussianModel model, Camera cam, int iterations) {
        GaussianGradients g = new GaussianGradients(model.size());
        float[] dl = new float[3 * cam.width() * cam.height()];
        Rng rng = new Rng(1);
        for (int i = 0; i < dl.length; i++) dl[i] = (float) (rng.nextDouble() - 0.5) * 1e-4f;
        long fwd = 0, bwd = 0;
        int warm = 5;
        for (int it = 0; it < iterations + warm; it++) {
            long a = System.nanoTime();
            RenderResult res = r.forward(model, cam, RasterSettings.white());
            long b = System.nanoTime();
            g.reset(model.size());
            r.backward(res, ImageGradient.ofRgb(dl), g);
            long c = System.nanoTime();
            if (it >= warm) { fwd += b - a; bwd += c - b; }
        }
        return new double[] {fwd / 1e6 / iterations, bwd / 1e6 / iterations};
    }

    static void train(Path data, int downscale, String budget, String backend) {
        SceneDataset ds = DatasetLoader.load(data, new LoadOptions(downscale, new float[] {1, 1, 1}, 8));
        TrainConfig cfg = new TrainConfig();
        if (budget.endsWith("s")) { // a time budget: the trainer scales its schedules to it
            cfg.iterations = 0;
            cfg.maxSeconds = Double.parseDouble(budget.substring(0, budget.length() - 1));
        } else {
            cfg.iterations = Integer.parseInt(budget);
        }
        int w = ds.train().get(0).image().width();
        long before = 0, peakBuffers;
        double psnr, ssim;
        Trainer.Result res;
        try (Rasterizer r = backend.equals("cuda") ? new CudaRasterizer() : new CpuRasterizer()) {
            if (r instanceof CudaRasterizer c) {
                long[] mem = c.deviceMemory();
                before = mem[1] - mem[0];
            }
            Trainer t = new Trainer(ds, cfg, r);
            res = t.train(p -> { });
            Evaluation.Result e = Evaluation.evaluate(t.model(), ds.test(), r, RasterSettings.white());
            psnr = e.psnr();
            ssim = e.ssim();
            peakBuffers = r instanceof CudaRasterizer c ? c.deviceBytes() : 0;
            long used = 0;
            if (r instanceof CudaRasterizer c) {
                long[] mem = c.deviceMemory();
                used = mem[1] - mem[0] - before;
            }
            int maxGaussians = res.gaussians();
            for (Trainer.CurvePoint p : res.curve()) maxGaussians = Math.max(maxGaussians, p.gaussians());
            System.out.printf(Locale.ROOT, "train %s %dx%d (%d train / %d held-out views), %d iterations on %s: %.1f s, %.1f it/s, %d Gaussians (max %d), held-out PSNR %.2f dB, SSIM %.4f; "
                            + "device buffers %.1f MiB (%.1f MiB per million Gaussians), device memory used by the run %.1f MiB%n",
                    ds.name(), w, ds.train().get(0).image().height(), ds.train().size(), ds.test().size(), res.iterations(), backend, res.seconds(),
                    res.iterations() / res.seconds(), res.gaussians(), maxGaussians, psnr, ssim, peakBuffers / 1048576.0,
                    peakBuffers / 1048576.0 / Math.max(1e-9, maxGaussians / 1e6), used / 1048576.0);
            System.out.printf(Locale.ROOT, "RESULT {\"bench\":\"train\",\"backend\":\"%s\",\"width\":%d,\"train_views\":%d,\"test_views\":%d,\"iterations\":%d,\"seconds\":%.2f,"
                            + "\"psnr\":%.4f,\"ssim\":%.5f,\"gaussians\":%d,\"max_gaussians\":%d,\"device_buffer_bytes\":%d,\"device_used_bytes\":%d}%n",
                    backend, w, ds.train().size(), ds.test().size(), res.iterations(), res.seconds(), psnr, ssim, res.gaussians(), maxGaussians, peakBuffers, used);
        }
    }
}
