package dev.forge3d.runtime.splat.raster.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bundled kernel binaries: present, current with the sources, the right one per device, and the sources compile. */
class KernelBinariesTest {

    private final KernelBinaries kb = KernelBinaries.bundled();

    @Test
    void picksTheNewestCubinOfTheDevicesMajorArchitectureElsePtx() {
        assertThat(kb.select(8, 0)).isEqualTo(new KernelBinaries.Choice(false, 80));  // A100
        assertThat(kb.select(8, 6)).isEqualTo(new KernelBinaries.Choice(false, 86));  // RTX 30xx, A10
        assertThat(kb.select(8, 7)).isEqualTo(new KernelBinaries.Choice(false, 86));  // Orin: sm_86 cubins run on 8.7
        assertThat(kb.select(8, 9)).isEqualTo(new KernelBinaries.Choice(false, 89));  // L4, RTX 40xx
        assertThat(kb.select(9, 0)).isEqualTo(new KernelBinaries.Choice(false, 90));  // H100, H200
        assertThat(kb.select(10, 0)).isEqualTo(new KernelBinaries.Choice(true, 90));  // B200: PTX, JIT by the driver
        assertThat(kb.select(12, 0)).isEqualTo(new KernelBinaries.Choice(true, 90));  // RTX 50xx
        assertThat(kb.select(9, 0).resource("blend")).isEqualTo("kernels/blend.sm_90.cubin");
        assertThat(kb.select(12, 0).resource("blend")).isEqualTo("kernels/blend.compute_90.ptx");
    }

    @Test
    void olderDevicesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> kb.select(7, 5)).isInstanceOf(KernelBinaries.UnsupportedDeviceException.class)
                .hasMessageContaining("compute capability 7.5 is not supported").hasMessageContaining("sm_80, sm_86, sm_89, sm_90");
        assertThatThrownBy(() -> kb.select(6, 1)).isInstanceOf(KernelBinaries.UnsupportedDeviceException.class);
    }

    @Test
    void everyBinaryIsBundledAndDefinesTheKernelsTheHostLaunches() throws IOException {
        assertThat(kb.modules()).containsExactly("project", "binning", "blend", "adam");
        assertThat(kb.cubinArchs()).containsExactly(80, 86, 89, 90);
        for (String m : kb.modules()) {
            for (int arch : kb.cubinArchs()) {
                byte[] b = kb.load(m, new KernelBinaries.Choice(false, arch));
                assertThat(b).as(m + " sm_" + arch).startsWith(0x7f, 'E', 'L', 'F');
                String text = new String(b, StandardCharsets.ISO_8859_1);
                for (String fn : KernelNames.of(m)) assertThat(text).as(m + " sm_" + arch).contains(fn);
            }
            byte[] ptx = kb.load(m, new KernelBinaries.Choice(true, kb.ptxArch()));
            assertThat(ptx[ptx.length - 1]).as("PTX is null-terminated for cuModuleLoadData").isZero();
            String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
            assertThat(text).contains(".target sm_90");
            for (String fn : KernelNames.of(m)) assertThat(text).contains(".entry " + fn + "(");
        }
    }

    @Test
    void bundledBinariesWereBuiltFromTheCurrentSources() throws Exception {
        Path src = moduleDir().resolve("src/main/cuda");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        // same order as scripts/build-kernels.sh: *.cu then *.cuh, each sorted by name
        for (String ext : List.of(".cu", ".cuh")) {
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(ext)).sorted().toList()) sha.update(Files.readAllBytes(f));
            }
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).as("kernel binaries are stale: run scripts/build-kernels.sh").isEqualTo(kb.sourcesSha256());
    }

    @Test
    void theKernelSourcesCompileWithoutWarnings(@TempDir Path out) throws Exception {
        Path nvcc = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "nvcc")).filter(Files::isExecutable).findFirst()
                .orElse(Path.of("/usr/local/cuda/bin/nvcc"));
        assumeTrue(Files.isExecutable(nvcc), "nvcc not installed: skipping the kernel compile check (prebuilt binaries are used)");
        Path src = moduleDir().resolve("src/main/cuda");
        for (String m : kb.modules()) {
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-O3", "-std=c++17", "-Werror", "all-warnings",
                    "-Xptxas", "-warn-spills,-warn-lmem-usage", "-cubin", "-arch=sm_80",
                    "-o", out.resolve(m + ".cubin").toString(), src.resolve(m + ".cu").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log;
            try (InputStream in = p.getInputStream()) { log = new String(in.readAllBytes(), StandardCharsets.UTF_8); }
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("nvcc " + m + ".cu:\n" + log).isZero();
            assertThat(log).as("nvcc output for " + m).isBlank();
            assertThat(Files.size(out.resolve(m + ".cubin"))).isPositive();
        }
    }

    /** gpu-runtime's folder (surefire runs in it; walk up from elsewhere). */
    static Path moduleDir() {
        Path d = Path.of("").toAbsolutePath();
        for (Path p = d; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("src/main/cuda"))) return p;
            if (Files.isDirectory(p.resolve("gpu-runtime/src/main/cuda"))) return p.resolve("gpu-runtime");
        }
        throw new IllegalStateException("gpu-runtime/src/main/cuda not found above " + d);
    }
}
