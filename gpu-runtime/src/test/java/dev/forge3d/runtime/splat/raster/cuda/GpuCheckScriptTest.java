package dev.forge3d.runtime.splat.raster.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** scripts/gpu-check's manifest: checksums, required files and the 64 MiB budget (on a small stand-in pack). */
class GpuCheckScriptTest {

    static final List<String> REQUIRED = List.of("run.sh", "runtime.txz", "lib/gpu-runtime.jar", "lib/gpu-runtime-tests.jar",
            "lib/jcuda.jar", "lib/jcuda-natives-driver.jar", "lib/junit-platform-console-standalone.jar",
            "data/lego/transforms_train.json", "cuda-src/blend.cu");

    record Run(int exit, String out) { }

    static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isExecutable(p.resolve("scripts/gpu-check"))) return p.resolve("scripts/gpu-check");
        throw new IllegalStateException("scripts/gpu-check not found");
    }

    static Run gpuCheck(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) { out = new String(in.readAllBytes(), StandardCharsets.UTF_8); }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theManifestListsEveryFileWithItsChecksumAndVerifyCatchesChanges(@TempDir Path pack) throws Exception {
        for (String f : REQUIRED) {
            Files.createDirectories(pack.resolve(f).getParent() == null ? pack : pack.resolve(f).getParent());
            Files.writeString(pack.resolve(f), "content of " + f);
        }
        assertThat(gpuCheck("manifest", pack.toString()).exit()).isZero();
        List<String> lines = Files.readAllLines(pack.resolve("MANIFEST.txt"));
        assertThat(lines).hasSize(REQUIRED.size() + 1);
        String blend = lines.stream().filter(l -> l.endsWith("  cuda-src/blend.cu")).findFirst().orElseThrow();
        byte[] content = ("content of cuda-src/blend.cu").getBytes(StandardCharsets.UTF_8);
        assertThat(blend).startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(blend.split("\\s+")[1]).isEqualTo(String.valueOf(content.length));
        assertThat(lines.getLast()).startsWith("total ").contains("budget 67108864 bytes");

        Run ok = gpuCheck("verify", pack.toString());
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("ok");

        Files.writeString(pack.resolve("lib/jcuda.jar"), "changed");
        Run changed = gpuCheck("verify", pack.toString());
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.out()).contains("checksum mismatch: lib/jcuda.jar");

        Files.delete(pack.resolve("runtime.txz"));
        Files.writeString(pack.resolve("extra.txt"), "not listed");
        assertThat(gpuCheck("manifest", pack.toString()).exit()).isZero();
        Run missing = gpuCheck("verify", pack.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out()).contains("missing runtime.txz");
    }

    @Test
    void aPackOverSixtyFourMebibytesIsRejected(@TempDir Path pack) throws Exception {
        for (String f : REQUIRED) {
            Files.createDirectories(pack.resolve(f).getParent() == null ? pack : pack.resolve(f).getParent());
            Files.writeString(pack.resolve(f), "x");
        }
        try (RandomAccessFile big = new RandomAccessFile(pack.resolve("data/lego/big.bin").toFile(), "rw")) {
            big.setLength(65L << 20); // sparse: counts with its apparent size
        }
        assertThat(gpuCheck("manifest", pack.toString()).exit()).isZero();
        Run r = gpuCheck("verify", pack.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("over the 64 MiB budget");
    }

    @Test
    void aBuiltPackIsCompleteAndWithinBudget() throws Exception {
        Path built = script().getParent().getParent().resolve("pack/gpu-check");
        assumeTrue(Files.isRegularFile(built.resolve("MANIFEST.txt")), "no pack built (scripts/gpu-check): nothing to verify");
        assumeTrue(!Files.exists(built.resolve("results")) && !Files.exists(built.resolve("runtime")), "the pack has been run (results/ present)");
        Run r = gpuCheck("verify", built.toString());
        assertThat(r.exit()).as(r.out()).isZero();
    }
}
