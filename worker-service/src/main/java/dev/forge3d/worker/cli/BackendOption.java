package dev.forge3d.worker.cli;

import dev.forge3d.runtime.splat.raster.RasterBackend;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RasterizerFactory;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.raster.cuda.CudaRasterizer;
import picocli.CommandLine.Option;

import java.util.Locale;

/** {@code --backend cpu|cuda|auto} for the commands that rasterize; prints which backend was chosen and why. */
public final class BackendOption {

    @Option(names = "--backend", defaultValue = "${env:FORGE3D_BACKEND:-auto}",
            description = "Rasterizer backend: cpu, cuda or auto (CUDA when a usable device is present; default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    private String selected = "cpu";

    /** Opens the chosen backend and prints one line saying which and why. */
    public Rasterizer open(int cpuThreads) {
        RasterizerFactory.Selection s = RasterizerFactory.open(RasterBackend.parse(backend), cpuThreads);
        selected = s.backend();
        System.out.println("forge3d: backend " + s.reason());
        return s.rasterizer();
    }

    /** The backend opened by {@link #open}, e.g. {@code cuda}. */
    public String selected() { return selected; }

    /** Per-stage milliseconds of the latest forward+backward, for benchmarks (empty when the backend has none). */
    static String stages(Rasterizer r, long[] sums, int iterations) {
        String[] names = r instanceof CpuRasterizer ? CpuRasterizer.STAGES : CudaRasterizer.STAGES;
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < sums.length; k++) sb.append(String.format(Locale.ROOT, " %s %.2f", names[k], sums[k] / 1e6 / iterations));
        return sb.toString();
    }

    static long[] stageNanos(Rasterizer r) {
        if (r instanceof CpuRasterizer c) return c.stageNanos();
        if (r instanceof CudaRasterizer c) return c.stageNanos();
        return new long[5];
    }

    /** Visible Gaussians and tile instances (CPU) or device memory held (CUDA) of the latest call. */
    static String counters(Rasterizer r) {
        if (r instanceof CpuRasterizer c) return "visible " + c.lastVisible() + ", tile instances " + c.lastInstances();
        if (r instanceof CudaRasterizer c) return String.format(Locale.ROOT, "device buffers %.1f MiB", c.deviceBytes() / 1048576.0);
        return "";
    }
}
