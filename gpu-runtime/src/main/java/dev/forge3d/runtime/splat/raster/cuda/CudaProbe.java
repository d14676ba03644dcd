package dev.forge3d.runtime.splat.raster.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Finds out, once per JVM, whether the CUDA backend can run: JCuda's driver binding must load (it needs only the
 * NVIDIA driver's {@code libcuda.so.1}, no toolkit), {@code cuInit} must succeed, a device must exist and the bundled
 * kernels must have a binary for it. Never throws: the answer carries the reason.
 */
public final class CudaProbe {

    private static volatile CudaStatus cached;

    private CudaProbe() { }

    public static CudaStatus status() {
        CudaStatus s = cached;
        if (s == null) {
            synchronized (CudaProbe.class) {
                if (cached == null) cached = probe();
                s = cached;
            }
        }
        return s;
    }

    private static CudaStatus probe() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            return CudaStatus.unavailable("the bundled JCuda natives are for linux-x86_64, this is " + os + " " + arch);
        try {
            return probeDriver();
        } catch (LinkageError e) {
            // UnsatisfiedLinkError from JCuda's native library, typically because libcuda.so.1 is not installed
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("libcuda")) return CudaStatus.unavailable("no NVIDIA driver: libcuda.so.1 not found (" + firstLine(msg) + ")");
            return CudaStatus.unavailable("the JCuda driver binding did not load: " + firstLine(e.toString()));
        } catch (RuntimeException e) {
            return CudaStatus.unavailable("probing CUDA failed: " + firstLine(e.toString()));
        }
    }

    private static CudaStatus probeDriver() {
        JCudaDriver.setExceptionsEnabled(false);
        int rc = JCudaDriver.cuInit(0);
        if (rc != CUresult.CUDA_SUCCESS) return CudaStatus.unavailable("cuInit failed: " + CUresult.stringFor(rc));
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        int driver = v[0];
        JCudaDriver.cuDeviceGetCount(v);
        int count = v[0];
        if (count == 0) return CudaStatus.unavailable("the driver sees no CUDA device", driver, 0);
        CUdevice dev = new CUdevice();
        rc = JCudaDriver.cuDeviceGet(dev, 0);
        if (rc != CUresult.CUDA_SUCCESS) return CudaStatus.unavailable("cuDeviceGet(0) failed: " + CUresult.stringFor(rc), driver, count);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, dev);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        String deviceName = new String(name, 0, len, java.nio.charset.StandardCharsets.UTF_8);
        long[] mem = new long[1];
        JCudaDriver.cuDeviceTotalMem(mem, dev);
        JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        int major = v[0];
        JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        int minor = v[0];
        try {
            KernelBinaries.Choice choice = KernelBinaries.bundled().select(major, minor);
            return new CudaStatus(true, "", deviceName, mem[0], driver, major, minor, count, choice.toString());
        } catch (KernelBinaries.UnsupportedDeviceException | IllegalStateException e) {
            return new CudaStatus(false, e.getMessage(), deviceName, mem[0], driver, major, minor, count, "");
        }
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
