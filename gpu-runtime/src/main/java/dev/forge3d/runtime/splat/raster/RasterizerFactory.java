package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.raster.cuda.CudaException;
import dev.forge3d.runtime.splat.raster.cuda.CudaProbe;
import dev.forge3d.runtime.splat.raster.cuda.CudaRasterizer;
import dev.forge3d.runtime.splat.raster.cuda.CudaStatus;

/**
 * The one place that picks a rasterizer backend. {@code auto}: CUDA when a device is present and usable (driver
 * loads, a bundled kernel binary fits the device, the context opens), else CPU; {@code cuda}: CUDA or a clear
 * error; {@code cpu}: CPU. Every choice is logged with its reason.
 */
public final class RasterizerFactory {

    private static final System.Logger LOG = System.getLogger(RasterizerFactory.class.getName());

    private RasterizerFactory() { }

    /**
     * A rasterizer and why it was chosen.
     *
     * @param rasterizer the opened backend (the caller closes it)
     * @param reason     one line, e.g. "cuda: NVIDIA H100 80GB HBM3, cubin sm_90" or "cpu: CUDA unavailable: ..."
     */
    public record Selection(Rasterizer rasterizer, String reason) {
        public String backend() { return rasterizer.name(); }
    }

    /**
     * Opens the requested backend.
     *
     * @param cpuThreads threads for the CPU backend
     * @throws IllegalStateException when {@code cuda} is requested and CUDA cannot be used here (the reason inside)
     */
    public static Selection open(RasterBackend requested, int cpuThreads) {
        return open(requested, cpuThreads, CudaProbe.status());
    }

    static Selection open(RasterBackend requested, int cpuThreads, CudaStatus cuda) {
        Selection s = switch (requested) {
            case CPU -> cpu(cpuThreads, "requested");
            case CUDA -> {
                if (!cuda.usable()) throw new IllegalStateException("--backend cuda: CUDA unavailable: " + cuda.reason());
                try {
                    yield cuda(cuda);
                } catch (CudaException e) {
                    throw new IllegalStateException("--backend cuda: " + e.getMessage(), e);
                }
            }
            case AUTO -> {
                if (!cuda.usable()) yield cpu(cpuThreads, "CUDA unavailable: " + cuda.reason());
                try {
                    yield cuda(cuda);
                } catch (CudaException | LinkageError e) {
                    yield cpu(cpuThreads, "CUDA device present but could not be used: " + e.getMessage());
                }
            }
        };
        LOG.log(System.Logger.Level.INFO, "rasterizer backend " + s.reason());
        return s;
    }

    private static Selection cpu(int threads, String why) {
        CpuRasterizer r = new CpuRasterizer(threads);
        return new Selection(r, "cpu (" + r.threads() + " threads): " + why);
    }

    private static Selection cuda(CudaStatus status) {
        CudaRasterizer r = new CudaRasterizer();
        return new Selection(r, "cuda: " + r.describe() + ", " + String.format(java.util.Locale.ROOT, "%.1f GiB", status.totalMemory() / (double) (1L << 30)));
    }
}
