package dev.forge3d.runtime.sds;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;

import java.util.Locale;

/**
 * Where an exported (TorchScript) prior runs: the PyTorch engine's device, chosen at run time. {@code auto} (the
 * default) takes CUDA device 0 when the loaded PyTorch natives are a CUDA build and see a device, else the CPU;
 * {@code FORGE3D_PRIOR_DEVICE} (or {@code -Dforge3d.prior.device}) set to {@code cpu} or {@code gpu} forces one, and
 * {@code gpu} without a usable device is an error that says why. The default build carries DJL's CPU natives only;
 * docs/text-to-3d.md says how a GPU worker gets CUDA ones.
 *
 * @param engine     e.g. {@code PyTorch 2.7.1}
 * @param natives    where the native library was loaded from
 * @param cudaBuild  whether those natives are built with CUDA
 * @param gpuCount   CUDA devices the engine sees
 * @param device     the device the prior's modules and tensors live on
 * @param reason     why this device (one line for {@code doctor} and logs)
 */
public record PriorDevice(String engine, String natives, boolean cudaBuild, int gpuCount, Device device, String reason) {

    public static final String ENV = "FORGE3D_PRIOR_DEVICE", PROPERTY = "forge3d.prior.device";

    /** The requested mode: the system property, else the environment variable, else {@code auto}. */
    public static String requested() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv(ENV);
        return p == null || p.isBlank() ? "auto" : p.strip().toLowerCase(Locale.ROOT);
    }

    /** Starts the PyTorch engine (offline, {@link DjlSetup}) and picks the device for {@link #requested()}. */
    public static PriorDevice select() {
        return select(requested());
    }

    public static PriorDevice select(String mode) {
        if (!mode.equals("auto") && !mode.equals("cpu") && !mode.equals("gpu")) {
            throw new IllegalArgumentException(ENV + " must be auto, cpu or gpu, not '" + mode + "'");
        }
        DjlSetup.apply();
        Engine e = Engine.getEngine("PyTorch");
        String engine = "PyTorch " + e.getVersion();
        String natives = LibUtils.getLibtorchPath();
        boolean cuda = e.hasCapability(StandardCapabilities.CUDA);
        int gpus = cuda ? e.getGpuCount() : 0;
        if (mode.equals("cpu")) return new PriorDevice(engine, natives, cuda, gpus, Device.cpu(), ENV + "=cpu");
        if (gpus > 0) return new PriorDevice(engine, natives, true, gpus, Device.gpu(0), "a CUDA build of PyTorch sees " + gpus + " device(s)");
        String why = cuda ? "the CUDA build of PyTorch sees no CUDA device" : "the PyTorch natives are the CPU build (see docs/text-to-3d.md, GPU workers)";
        if (mode.equals("gpu")) throw new IllegalStateException(ENV + "=gpu, but " + why);
        return new PriorDevice(engine, natives, cuda, gpus, Device.cpu(), why);
    }

    /** One line: engine, natives, device and why. */
    public String describe() {
        return engine + " (" + (cudaBuild ? "CUDA" : "CPU") + " natives, " + natives + "), device " + device + ": " + reason;
    }
}
