package dev.forge3d.runtime.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

public class GlbWriterTest {

    static TriangleMesh colouredSphere() {
        int n = 20;
        double spacing = 2.0 / (n - 1);
        ScalarGrid g = new ScalarGrid(n, n, n, -1, -1, -1, spacing, true);
        for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) {
            double x = -1 + i * spacing, y = -1 + j * spacing, z = -1 + k * spacing;
            g.set(i, j, k, (float) (0.7 - Math.sqrt(x * x + y * y + z * z)));
            int s = g.index(i, j, k);
            g.rgb[3 * s] = 1f; g.rgb[3 * s + 1] = (float) (0.5 + 0.5 * y); g.rgb[3 * s + 2] = 0.1f;
        }
        return MarchingCubes.extract(g, 0f);
    }

    @Test
    void writesAWellFormedGlbContainer() {
        TriangleMesh mesh = colouredSphere();
        byte[] glb = GlbWriter.toBytes(mesh);
        ByteBuffer b = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0x46546C67);
        assertThat(b.getInt(4)).isEqualTo(2);
        assertThat(b.getInt(8)).isEqualTo(glb.length);
        int jsonLen = b.getInt(12);
        assertThat(jsonLen % 4).isZero();
        String json = new String(glb, 20, jsonLen, StandardCharsets.UTF_8);
        assertThat(json).contains("\"POSITION\"", "\"COLOR_0\"", "\"NORMAL\"", "\"version\":\"2.0\"");
        int binLen = b.getInt(20 + jsonLen);
        assertThat(binLen).isGreaterThanOrEqualTo(mesh.vertexCount() * 36 + mesh.indices().length * 4);
        assertThat(20 + jsonLen + 8 + binLen).isEqualTo(glb.length);
    }

    @Test
    void khronosValidatorReportsNoErrors(@TempDir Path dir) throws Exception {
        Path script = findUp("scripts/gltf/validate-glb.mjs");
        assumeTrue(script != null && Files.isDirectory(script.getParent().resolve("node_modules/gltf-validator")),
                "Khronos gltf-validator not installed: run `npm ci --prefix scripts/gltf` (CI does)");
        Path file = dir.resolve("sphere.glb");
        GlbWriter.write(colouredSphere(), file);
        Process p = new ProcessBuilder("node", script.toString(), file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("\"numErrors\":0");
        assertThat(p.exitValue()).as(out).isZero();
    }

    public static Path findUp(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) return d.resolve(relative);
        }
        return null;
    }
}
