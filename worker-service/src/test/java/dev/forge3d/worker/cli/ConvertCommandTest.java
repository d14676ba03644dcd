package dev.forge3d.worker.cli;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SpzReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.forge3d.worker.cli.TrainRenderCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** convert writes an SPZ of a PLY; render scores the SPZ like the PLY it came from. */
class ConvertCommandTest {

    @Test
    void convertsPlyToSpzAndRenderScoresBoth(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("scene");
        TrainRenderCommandTest.writeScene(data, 9, 40);
        GaussianModel m = new GaussianModel(60);
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 60; i++) {
            m.set(i, (float) rnd.nextDouble(-0.4, 0.4), (float) rnd.nextDouble(-0.4, 0.4), (float) rnd.nextDouble(-0.4, 0.4), 0.1f, 0.08f, 0.12f,
                    new float[] {1, 0.2f, 0, 0}, 0.8f, (float) rnd.nextDouble(), (float) rnd.nextDouble(), (float) rnd.nextDouble());
        }
        Path ply = tmp.resolve("m.ply"), spz = tmp.resolve("m.spz");
        PlyWriter.write(m, ply);

        TrainRenderCommandTest.Run c = run("convert", "--in", ply.toString(), "--out", spz.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(SpzReader.read(spz).size()).isEqualTo(60);
        assertThat(Files.size(spz) * 8).isLessThan(Files.size(ply));

        JsonNode fromPly = render(ply, data, tmp.resolve("r-ply")), fromSpz = render(spz, data, tmp.resolve("r-spz"));
        assertThat(fromSpz.get("gaussians").asInt()).isEqualTo(60);
        assertThat(fromSpz.get("views").asInt()).isEqualTo(fromPly.get("views").asInt()).isPositive();
        // the same scene up to quantisation: nearly the PLY's score against the photos (of another scene)
        assertThat(fromSpz.get("psnr").asDouble()).isCloseTo(fromPly.get("psnr").asDouble(), org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void refusesUnknownFormatsInOneLine(@TempDir Path tmp) {
        PlyWriter.write(new GaussianModel(1), tmp.resolve("a.ply"));
        TrainRenderCommandTest.Run r = run("convert", "--in", tmp.resolve("a.ply").toString(), "--out", tmp.resolve("a.obj").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("forge3d convert: cannot write").contains(".ply, .spz or .splat").hasLineCount(1);
        TrainRenderCommandTest.Run missing = run("render", "--ply", tmp.resolve("none.spz").toString(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertThat(missing.err()).contains("SPZ not found");
    }

    private static JsonNode render(Path splat, Path data, Path out) throws Exception {
        TrainRenderCommandTest.Run r = run("render", "--ply", splat.toString(), "--data", data.toString(), "--split", "all", "--threads", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    }
}
