package dev.forge3d.runtime.splat.raster.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device allocation that grows on demand (by half again, to amortise densification's growth) and is kept across
 * iterations. Exposes its address so that kernel arguments can be packed into structs of pointers.
 */
final class DeviceBuffer {

    /** A CUdeviceptr whose address can be read (JCuda keeps it in a protected field). */
    static final class Ptr extends CUdeviceptr {
        long address() { return getNativePointer(); }
    }

    private final CudaContext ctx;
    private final String name;
    private Ptr ptr;
    private long bytes;

    DeviceBuffer(CudaContext ctx, String name) {
        this.ctx = ctx;
        this.name = name;
    }

    /** Makes room for at least {@code need} bytes; contents are lost when it grows. */
    DeviceBuffer ensure(long need) {
        if (need <= bytes && ptr != null) return this;
        long size = Math.max(Math.max(need, 256), bytes + bytes / 2);
        free();
        ptr = ctx.alloc(size, name);
        bytes = size;
        return this;
    }

    Ptr ptr() {
        if (ptr == null) throw new IllegalStateException("device buffer " + name + " used before allocation");
        return ptr;
    }

    long address() { return ptr().address(); }

    long bytes() { return bytes; }

    void free() {
        if (ptr != null) {
            ctx.free(ptr);
            ptr = null;
            bytes = 0;
        }
    }
}
