package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.TestScenes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An independent reader and writer: PlayCanvas splat-transform (pinned in scripts/gltf/package-lock.json) converts our
 * SPZ to CSV and to PLY, and must see every Gaussian, the values our reader decodes and the PLY's positions (no axis
 * flip); and it writes SPZ v3 with the reference library, whose bytes must be ours.
 */
class SpzSplatTransformTest {

    @Test
    void splatTransformReadsOurSpzAsWeDo(@TempDir Path dir) throws Exception {
        Path cli = findUp("scripts/gltf/node_modules/.bin/splat-transform");
        assumeTrue(cli != null && nodeRuns(), "splat-transform not installed: run `npm ci --prefix scripts/gltf` (CI does); needs node on PATH");
        int n = 300;
        GaussianModel m = TestScenes.random(n, 21, 3);
        m.positions()[0] = -1.75f;
        Path spz = dir.resolve("scene.spz");
        SpzWriter.write(m, spz);
        GaussianModel ours = SpzReader.read(spz);

        Path csv = dir.resolve("scene.csv");
        run(cli, spz, csv);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        Map<String, Integer> col = new HashMap<>();
        String[] names = lines.getFirst().split(",");
        for (int i = 0; i < names.length; i++) col.put(names[i], i);
        assertThat(col).containsKeys("x", "y", "z", "f_dc_0", "opacity", "scale_0", "rot_0", "f_rest_44");
        assertThat(lines).hasSize(n + 1);
        for (int i = 0; i < n; i++) {
            String[] v = lines.get(i + 1).split(",");
            for (int c = 0; c < 3; c++) {
                float x = Float.parseFloat(v[col.get("xyz".substring(c, c + 1))]);
                assertThat(x).as("row %d axis %d", i, c).isCloseTo(ours.positions()[3 * i + c], within(1e-6f))
                        .isCloseTo(m.positions()[3 * i + c], within((float) SpzIoTest.POSITION_ERR));
                assertThat(Float.parseFloat(v[col.get("f_dc_" + c)])).isCloseTo(ours.shDc()[3 * i + c], within(1e-5f));
                assertThat(Float.parseFloat(v[col.get("scale_" + c)])).isCloseTo(ours.logScales()[3 * i + c], within(1e-6f));
            }
            assertThat(GaussianModel.sigmoid(Float.parseFloat(v[col.get("opacity")])))
                    .isCloseTo(GaussianModel.sigmoid(ours.opacityLogits()[i]), within(1e-5f));
            for (int c = 0; c < 4; c++) {
                assertThat(Float.parseFloat(v[col.get("rot_" + c)])).as("row %d rot_%d", i, c).isCloseTo(ours.rotations()[4 * i + c], within(1e-5f));
            }
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 15; k++) { // f_rest is channel-major in the PLY columns
                    assertThat(Float.parseFloat(v[col.get("f_rest_" + (15 * c + k))])).isEqualTo(ours.shRest()[45 * i + 3 * k + c]);
                }
            }
        }

        // PLY -> our SPZ -> splat-transform -> PLY keeps the Gaussian count and positions
        Path ply = dir.resolve("back.ply");
        run(cli, spz, ply);
        GaussianModel back = PlyReader.read(ply);
        assertThat(back.size()).isEqualTo(n);
        for (int i = 0; i < 3 * n; i++) {
            assertThat(back.positions()[i]).as("position %d", i).isCloseTo(m.positions()[i], within((float) SpzIoTest.POSITION_ERR));
        }
    }

    /** splat-transform writes SPZ v3 through @adobe/spz, a WebAssembly build of the reference library. */
    @Test
    void ourBytesAreTheReferenceLibrarysBytesAndWeReadItsFile(@TempDir Path dir) throws Exception {
        Path cli = findUp("scripts/gltf/node_modules/.bin/splat-transform");
        assumeTrue(cli != null && nodeRuns(), "splat-transform not installed: run `npm ci --prefix scripts/gltf` (CI does); needs node on PATH");
        GaussianModel m = TestScenes.random(400, 33, 3);
        m.positions()[3] = -1.2345f;
        Path ply = dir.resolve("scene.ply"), ours = dir.resolve("ours.spz"), ref = dir.resolve("ref.spz");
        PlyWriter.write(m, ply);
        SpzWriter.write(m, ours);
        run(cli, ply, ref, "--spz-version", "3");
        assertThat(SpzIoTest.gunzip(Files.readAllBytes(ours))).isEqualTo(SpzIoTest.gunzip(Files.readAllBytes(ref)));
        GaussianModel back = SpzReader.read(ref);
        assertThat(back.size()).isEqualTo(400);
        SpzIoTest.assertRoundTrip(m, back);
    }

    private static void run(Path cli, Path in, Path out, String... options) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("node", cli.toString(), "-q", "-w"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(in.toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("splat-transform finished").isTrue();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(log).isZero();
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static Path findUp(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) return d.resolve(relative);
        }
        return null;
    }
}
