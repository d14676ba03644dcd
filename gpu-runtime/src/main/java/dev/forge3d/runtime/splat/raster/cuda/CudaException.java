package dev.forge3d.runtime.splat.raster.cuda;

/** A CUDA driver call failed (other than out of memory): names the call and the driver's error. */
public class CudaException extends RuntimeException {
    public CudaException(String message) { super(message); }

    public CudaException(String message, Throwable cause) { super(message, cause); }
}
