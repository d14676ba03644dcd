package dev.forge3d.runtime.splat.raster.cuda;

/**
 * The device ran out of memory. Thrown instead of a driver error so that a job fails with a readable reason (the
 * allocation that failed and the device's free and total memory); the rasterizer stays usable for smaller inputs.
 */
public final class CudaOutOfMemoryException extends RuntimeException {

    private final long requestedBytes;

    public CudaOutOfMemoryException(String what, long requestedBytes, long freeBytes, long totalBytes) {
        super(String.format(java.util.Locale.ROOT, "CUDA out of memory: %s needs %.1f MiB, the device has %.1f MiB free of %.1f MiB; "
                        + "use fewer Gaussians (--max-gaussians), smaller images (--downscale) or --backend cpu",
                what, requestedBytes / 1048576.0, freeBytes / 1048576.0, totalBytes / 1048576.0));
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() { return requestedBytes; }
}
