package dev.forge3d.runtime.splat.raster.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The ahead-of-time compiled kernels bundled as resources ({@code kernels/<module>.sm_XY.cubin} and
 * {@code kernels/<module>.compute_XY.ptx}, listed in {@code kernels/kernels.properties}, written by
 * {@code scripts/build-kernels.sh}), and the choice of binary for a device: the newest cubin of the device's major
 * architecture not newer than the device (cubins run on later minor versions of their major), else the PTX when the
 * device is at least the PTX's architecture (the driver compiles it once, then caches it), else none.
 */
public final class KernelBinaries {

    static final String DIR = "kernels/";

    /** What to load for a device: a cubin for {@code arch} or the PTX of {@code arch}. */
    public record Choice(boolean ptx, int arch) {
        public String resource(String module) {
            return DIR + module + (ptx ? ".compute_" + arch + ".ptx" : ".sm_" + arch + ".cubin");
        }

        @Override
        public String toString() { return ptx ? "PTX compute_" + arch + " (JIT by the driver)" : "cubin sm_" + arch; }
    }

    private final List<String> modules;
    private final int[] cubinArchs;
    private final int ptxArch;
    private final String sourcesSha256;

    KernelBinaries(List<String> modules, int[] cubinArchs, int ptxArch, String sourcesSha256) {
        this.modules = List.copyOf(modules);
        this.cubinArchs = cubinArchs.clone();
        Arrays.sort(this.cubinArchs);
        this.ptxArch = ptxArch;
        this.sourcesSha256 = sourcesSha256;
    }

    /** The binaries bundled with this build; a clear error when the resources are missing. */
    public static KernelBinaries bundled() {
        try (InputStream in = KernelBinaries.class.getResourceAsStream(DIR + "kernels.properties")) {
            if (in == null) throw new IllegalStateException("the CUDA kernels are missing from this build ("
                    + KernelBinaries.class.getPackageName().replace('.', '/') + "/" + DIR + "kernels.properties): run scripts/build-kernels.sh with nvcc and rebuild");
            Properties p = new Properties();
            p.load(in);
            List<String> modules = List.of(p.getProperty("modules").split(","));
            int[] archs = Arrays.stream(p.getProperty("cubin.archs").split(",")).mapToInt(Integer::parseInt).toArray();
            return new KernelBinaries(modules, archs, Integer.parseInt(p.getProperty("ptx.arch")), p.getProperty("sources.sha256"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> modules() { return modules; }

    public int[] cubinArchs() { return cubinArchs.clone(); }

    public int ptxArch() { return ptxArch; }

    public String sourcesSha256() { return sourcesSha256; }

    /** Every resource this build should contain. */
    public List<String> resources() {
        List<String> r = new ArrayList<>();
        for (String m : modules) {
            for (int a : cubinArchs) r.add(new Choice(false, a).resource(m));
            r.add(new Choice(true, ptxArch).resource(m));
        }
        return r;
    }

    /**
     * The binary for a device of compute capability {@code major.minor}.
     *
     * @throws UnsupportedDeviceException when no bundled binary can run on it
     */
    public Choice select(int major, int minor) {
        int cc = 10 * major + minor;
        int best = -1;
        for (int a : cubinArchs) if (a / 10 == major && a <= cc) best = a;
        if (best > 0) return new Choice(false, best);
        if (cc >= ptxArch) return new Choice(true, ptxArch);
        throw new UnsupportedDeviceException("compute capability " + major + "." + minor + " is not supported: the kernels are built for "
                + Arrays.stream(cubinArchs).mapToObj(a -> "sm_" + a).collect(Collectors.joining(", "))
                + " and PTX compute_" + ptxArch + " (needs " + ptxArch / 10 + "." + ptxArch % 10 + " or newer)");
    }

    /** The bytes of one module's binary (PTX null-terminated, as the driver wants it). */
    public byte[] load(String module, Choice choice) {
        String res = choice.resource(module);
        try (InputStream in = KernelBinaries.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("CUDA kernel binary missing from this build: " + res);
            byte[] b = in.readAllBytes();
            return choice.ptx() ? Arrays.copyOf(b, b.length + 1) : b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No bundled binary runs on the device. */
    public static final class UnsupportedDeviceException extends RuntimeException {
        public UnsupportedDeviceException(String message) { super(message); }
    }
}
