package dev.forge3d.worker;

import dev.forge3d.runtime.splat.raster.RasterBackend;
import dev.forge3d.worker.client.Capabilities;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What this machine offers the pipelines: CPU threads, memory, the Vector API's width, a CUDA driver. */
public final class HostProbe {

    private HostProbe() { }

    /** The capabilities for {@code FORGE3D_BACKEND} (auto when unset); see {@link #capabilities(RasterBackend)}. */
    public static Capabilities capabilities() {
        return capabilities(RasterBackend.fromEnvironment());
    }

    /**
     * The capabilities a worker reports for a backend choice: {@code auto} reports CUDA with the device's name and
     * memory when the CUDA backend is usable here, else the CPU backend; {@code cuda} fails with the reason when it is
     * not usable; always all processors and the JVM's max heap.
     */
    public static Capabilities capabilities(RasterBackend requested) {
        int threads = Runtime.getRuntime().availableProcessors();
        long heap = Runtime.getRuntime().maxMemory();
        dev.forge3d.runtime.splat.raster.cuda.CudaStatus s = dev.forge3d.runtime.splat.raster.cuda.CudaProbe.status();
        if (requested == RasterBackend.CUDA && !s.usable()) throw new IllegalStateException("--backend cuda: CUDA unavailable: " + s.reason());
        if (requested != RasterBackend.CPU && s.usable()) return new Capabilities("cuda", threads, heap, s.deviceName(), s.totalMemory());
        return Capabilities.cpu(threads, heap);
    }

    /** The Vector API's preferred float species, e.g. {@code "8 lanes (256-bit)"}, or why it is unavailable. */
    public static String vectorSpecies() {
        try {
            return VectorProbe.describe();
        } catch (LinkageError e) {
            return "unavailable: start the JVM with --add-modules jdk.incubator.vector";
        }
    }

    /**
     * Whether the CUDA backend can run here (JCuda's driver binding loads, a device exists and a bundled kernel
     * binary fits it); the detail line gives the device name, memory, compute capability and driver version, or the
     * reason it is unavailable.
     */
    public static CudaStatus cuda() {
        dev.forge3d.runtime.splat.raster.cuda.CudaStatus s = dev.forge3d.runtime.splat.raster.cuda.CudaProbe.status();
        return new CudaStatus(s.usable(), findLibcuda(), s.describe());
    }

    /**
     * @param available true when the CUDA backend can run
     * @param driver    where {@code libcuda.so.1} was found
     * @param detail    one line for {@code doctor}
     */
    public record CudaStatus(boolean available, Optional<Path> driver, String detail) { }

    static Optional<Path> findLibcuda() {
        Set<String> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(d);
        dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/local/nvidia/lib64", "/usr/local/cuda/lib64", "/usr/local/cuda/compat", "/usr/lib/wsl/lib"));
        List<Path> candidates = new ArrayList<>();
        for (String d : dirs) candidates.add(Path.of(d, "libcuda.so.1"));
        return candidates.stream().filter(Files::exists).findFirst();
    }

    /** Kept apart so that a JVM without the incubator module fails only here, with a catchable LinkageError. */
    private static final class VectorProbe {
        static String describe() {
            var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            return species.length() + " lanes (" + species.vectorBitSize() + "-bit)";
        }
    }
}
