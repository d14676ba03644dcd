package dev.forge3d.runtime.splat.raster.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.HashMap;
import java.util.Map;

/**
 * Device 0's primary context with the bundled kernel modules loaded (the binary chosen by {@link KernelBinaries}
 * for the device's compute capability). Driver calls go through {@link #check}: out of memory becomes
 * {@link CudaOutOfMemoryException}, any other error a {@link CudaException} naming the call. The context is made
 * current on the calling thread by {@link #makeCurrent()} at the start of each public operation.
 */
final class CudaContext implements AutoCloseable {

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final KernelBinaries.Choice choice;
    private final CudaStatus status;
    private boolean closed;

    CudaContext() {
        status = CudaProbe.status();
        if (!status.usable()) throw new CudaException("CUDA backend unavailable: " + status.reason());
        check(JCudaDriver.cuDeviceGet(device, 0), "cuDeviceGet");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        KernelBinaries kb = KernelBinaries.bundled();
        choice = kb.select(status.ccMajor(), status.ccMinor());
        for (String m : kb.modules()) {
            CUmodule module = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(module, kb.load(m, choice)), "cuModuleLoadData(" + choice.resource(m) + ")");
            for (String fn : KernelNames.of(m)) {
                CUfunction f = new CUfunction();
                check(JCudaDriver.cuModuleGetFunction(f, module, fn), "cuModuleGetFunction(" + fn + ")");
                functions.put(fn, f);
            }
        }
    }

    CudaStatus status() { return status; }

    KernelBinaries.Choice kernels() { return choice; }

    void makeCurrent() {
        if (closed) throw new IllegalStateException("CUDA context closed");
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) throw new IllegalArgumentException("no kernel " + name);
        return f;
    }

    /** Launches a 1D grid; {@code args} are the kernel's parameters in order, each a {@link Pointer} to its value. */
    void launch(String kernel, int blocks, int threads, Pointer... args) {
        if (blocks == 0) return;
        check(JCudaDriver.cuLaunchKernel(function(kernel), blocks, 1, 1, threads, 1, 1, 0, null, Pointer.to(args), null), "launch " + kernel);
    }

    DeviceBuffer.Ptr alloc(long bytes, String what) {
        DeviceBuffer.Ptr p = new DeviceBuffer.Ptr();
        int rc = JCudaDriver.cuMemAlloc(p, bytes);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] free = new long[1], total = new long[1];
            JCudaDriver.cuMemGetInfo(free, total);
            throw new CudaOutOfMemoryException(what, bytes, free[0], total[0]);
        }
        check(rc, "cuMemAlloc(" + bytes + " bytes for " + what + ")");
        return p;
    }

    void free(CUdeviceptr p) {
        if (!closed) JCudaDriver.cuMemFree(p);
    }

    /** Bytes free and total on the device. */
    long[] memInfo() {
        long[] free = new long[1], total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    void synchronize() {
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    static void check(int rc, String call) {
        if (rc == CUresult.CUDA_SUCCESS) return;
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) throw new CudaOutOfMemoryException(call, 0, 0, 0);
        throw new CudaException(call + " failed: " + CUresult.stringFor(rc));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
