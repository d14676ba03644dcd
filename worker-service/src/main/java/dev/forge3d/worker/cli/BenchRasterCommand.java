package dev.forge3d.worker.cli;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyReader;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.train.GaussianInitializer;
import dev.forge3d.runtime.splat.train.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code forge3d bench-raster}: forward + backward time of the rasterizer per iteration at given resolutions, for a
 * trained model (--ply) or a random cloud like the trainer's initialisation, seen from a NeRF-synthetic-like camera.
 */
@Command(name = "bench-raster", mixinStandardHelpOptions = true,
        description = "Benchmark rasterizer forward+backward ms/iteration (--backend cpu, cuda or auto).")
public final class BenchRasterCommand implements Callable<Integer> {

    @Option(names = "--gaussians", defaultValue = "100000", description = "Random Gaussians in [-1.3,1.3]^3 as the trainer initialises them (default: ${DEFAULT-VALUE}).")
    int gaussians;

    @Option(names = "--opacity", defaultValue = "0.1", description = "Opacity of the random Gaussians (default: ${DEFAULT-VALUE}).")
    float opacity;

    @Option(names = "--ply", description = "Benchmark this trained model instead of a random cloud.")
    Path ply;

    @Option(names = "--sizes", split = ",", defaultValue = "200,800", description = "Square image sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed iterations per size after 2 warm-up ones (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    /** Floating-point operations per pixel in the forward and backward blending kernels (counted from the code). */
    static final double FORWARD_FLOPS_PER_PIXEL = 55, BACKWARD_FLOPS_PER_PIXEL = 105;

    @Mixin
    BackendOption backend;

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public Integer call() {
        if (iterations < 1) throw new IllegalArgumentException("--iterations must be >= 1");
        GaussianModel model;
        String what;
        if (ply != null) {
            model = PlyReader.read(ply);
            what = ply.toString();
        } else {
            model = GaussianInitializer.random(gaussians, 1.3, new Rng(0));
            float logit = GaussianModel.logit(opacity);
            java.util.Arrays.fill(model.opacityLogits(), 0, model.size(), logit);
            what = "random cloud, opacity " + opacity;
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        System.out.printf(Locale.ROOT, "bench-raster: %d Gaussians (%s), SH degree %d, %d threads%n", model.size(), what, model.shDegree(), t);
        // lego's training camera 0 direction at radius 4, lego's field of view
        double[] c2w = {-0.9999, 0.0042, -0.0133, -0.0538, -0.0140, -0.2997, 0.9539, 3.8455, 0, 0.9540, 0.2997, 1.2089, 0, 0, 0, 1};
        Pose pose = Pose.fromOpenGlCameraToWorld(c2w);
        try (dev.forge3d.runtime.splat.raster.Rasterizer r = backend.open(t)) {
            if (r instanceof dev.forge3d.runtime.splat.raster.cuda.CudaRasterizer c) c.setProfiling(true);
            for (int size : sizes) {
                Camera cam = new Camera("bench", Intrinsics.fromFovX(size, size, 0.6911112070083618), pose);
                GaussianGradients g = new GaussianGradients(model.size());
                float[] dl = new float[3 * size * size];
                Rng rng = new Rng(1);
                for (int i = 0; i < dl.length; i++) dl[i] = (float) (rng.nextDouble() - 0.5) * 1e-4f;
                long fwd = 0, bwd = 0, cpu0 = 0;
                long[] stages = new long[5];
                for (int it = 0; it < iterations + 2; it++) {
                    if (it == 0) for (int w = 0; w < 8; w++) { // JIT warm-up: the Vector API is slow until C2 compiles it
                        RenderResult res = r.forward(model, cam, RasterSettings.white());
                        g.reset(model.size());
                        r.backward(res, ImageGradient.ofRgb(dl), g);
                    }
                    long a = System.nanoTime();
                    RenderResult res = r.forward(model, cam, RasterSettings.white());
                    long b = System.nanoTime();
                    g.reset(model.size());
                    r.backward(res, ImageGradient.ofRgb(dl), g);
                    long c = System.nanoTime();
                    if (it == 1) { cpu0 = processCpuNanos(); if (r instanceof CpuRasterizer cr) cr.takeKernelRows(); }
                    if (it >= 2) {
                        fwd += b - a;
                        bwd += c - b;
                        long[] s = BackendOption.stageNanos(r);
                        for (int k = 0; k < s.length; k++) stages[k] += s[k];
                    }
                }
                double cpuMs = (processCpuNanos() - cpu0) / 1e6 / iterations;
                String sb = BackendOption.stages(r, stages, iterations);
                String kernels = "";
                if (r instanceof CpuRasterizer cr) {
                    long[] rows = cr.takeKernelRows();
                    // the kernels' arithmetic per 8-pixel segment (adds, multiplies, compares, blends; the polynomial exp counts 26; backward: the RGB-only kernel)
                    double gflop = (rows[0] * 8.0 * FORWARD_FLOPS_PER_PIXEL + rows[1] * 8.0 * BACKWARD_FLOPS_PER_PIXEL) / iterations / 1e9;
                    double blendSeconds = (stages[2] + stages[3]) / 1e9 / iterations;
                    kernels = String.format(Locale.ROOT, "blend kernels %.1fM + %.1fM 8-px segments, ~%.2f GFLOP/iteration, %.1f GFLOP/s in blending; ",
                            rows[0] / 1e6 / iterations, rows[1] / 1e6 / iterations, gflop, gflop / blendSeconds);
                }
                System.out.printf(Locale.ROOT, "%dx%d: forward %.1f ms + backward %.1f ms = %.1f ms/iteration wall (%.1f ms CPU); %s%s; stages (ms):%s%n",
                        size, size, fwd / 1e6 / iterations, bwd / 1e6 / iterations, (fwd + bwd) / 1e6 / iterations, cpuMs,
                        kernels, BackendOption.counters(r), sb);
            }
        }
        return 0;
    }
}
