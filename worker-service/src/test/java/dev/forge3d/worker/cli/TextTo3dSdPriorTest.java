package dev.forge3d.worker.cli;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.pipeline.JobParams;
import dev.forge3d.worker.pipeline.LocalPipelineRunner;
import dev.forge3d.worker.pipeline.Pipeline;
import dev.forge3d.worker.pipeline.PipelineRegistry;
import dev.forge3d.worker.pipeline.StageFailedException;
import dev.forge3d.worker.pipeline.stages.PhotoToSplat;
import dev.forge3d.worker.pipeline.stages.TextTo3dStage;
import dev.forge3d.worker.pipeline.stages.WorkerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * text-to-3d with an exported Stable Diffusion folder (the miniature random-weight fixture scripts/sds/tiny-sd) through
 * the command line and through the job runner a worker uses: SDS runs through the real TorchScript prior, the exports
 * are written, and a folder whose UNet has the wrong signature fails with the module and the mismatch named.
 */
class TextTo3dSdPriorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> FILES = List.of("model.glb", "scene.ply", "scene.splat", "preview.png");

    @TempDir
    Path tmp;

    static Path fixture(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(rel))) return p.resolve(rel);
        }
        throw new IllegalStateException(rel + " not found");
    }

    static Path tinySd() { return fixture("scripts/sds/tiny-sd"); }

    /** A copy of the fixture whose unet.pt takes (latents, text): no timestep. */
    static Path brokenCopy(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("broken-sd"));
        try (var files = Files.list(tinySd())) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        Files.copy(fixture("scripts/sds/tiny-sd-broken-unet").resolve("unet.pt"), dir.resolve("unet.pt"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private record Run(int code, String out, String err) { }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Forge3dCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void commandLineRunsSdsThroughTheExportedPrior() throws Exception {
        Path out = tmp.resolve("cli");
        Run r = cli("text-to-3d", "--prompt", "a red cube", "--prior", tinySd().toString(), "--iterations", "300",
                "--threads", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : FILES) assertThat(out.resolve(f)).isNotEmptyFile();
        JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
        assertThat(m.path("prior").asString()).isEqualTo("torchscript:tiny-sd");
        assertThat(m.path("iterations").asInt()).isEqualTo(300);
        assertThat(m.path("guidance").asDouble()).isEqualTo(7.5);   // model.json's
        // one batched UNet pass (conditional + unconditional, 4 views each) per iteration
        assertThat(m.path("priorRuntime").path("unetPasses").asLong()).isEqualTo(300);
        assertThat(m.path("priorRuntime").path("unetImages").asLong()).isEqualTo(300L * 8);
        assertThat(m.path("priorRuntime").path("device").asString()).isEqualTo("cpu()");
        assertThat(m.path("selfCheckSkipped").asString()).contains("open vocabulary");
        assertThat(m.path("attempts").size()).isEqualTo(1);
        assertThat(m.path("gaussians").asInt()).isPositive();
    }

    @Test
    void commandLineNamesTheMismatchedModule() throws Exception {
        Run r = cli("text-to-3d", "--prompt", "a red cube", "--prior", brokenCopy(tmp).toString(), "--iterations", "10",
                "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("forge3d text-to-3d: unet.pt in ").contains("does not match the module contract")
                .contains("its forward takes (latents, text)");
    }

    @Test
    void workerJobRunsWithTheExportedPrior() throws Exception {
        // the worker's registry with its configured prior, as `forge3d worker --prior DIR` builds it
        PipelineRegistry p = PhotoToSplat.registry(WorkerLimits.cpuDefaults(), tinySd().toString());
        ObjectNode params = JSON.createObjectNode().put("prompt", "a wooden chair").put("iterations", 300).put("seed", 2);
        List<Progress> seen = new CopyOnWriteArrayList<>();
        ObjectNode m = LocalPipelineRunner.run(p.pipeline("text-to-3d").orElseThrow(), "sd-1", new JobParams(params), null,
                tmp.resolve("out"), tmp.resolve("work"), tmp.resolve("ckpt"), Capabilities.cpu(2, 1L << 30), seen::add);
        for (String f : FILES) assertThat(tmp.resolve("out").resolve(f)).isNotEmptyFile();
        assertThat(m.path("prior").asString()).isEqualTo("torchscript:tiny-sd");
        assertThat(m.path("priorRuntime").path("unetPasses").asLong()).isEqualTo(300);
        assertThat(m.path("selfCheckSkipped").isString()).isTrue();
        assertThat(seen.getLast().fraction()).isEqualTo(1.0);
        assertThat(seen.stream().map(Progress::fraction).toList()).isSorted();
    }

    @Test
    void workerJobWithAMismatchedFolderFailsNamingTheModule() throws Exception {
        Path broken = brokenCopy(tmp);
        Pipeline p = Pipeline.builder("text-to-3d").stage(new TextTo3dStage(broken.toString()), 1).build();
        ObjectNode params = JSON.createObjectNode().put("prompt", "a chair").put("iterations", 10);
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "sd-2", new JobParams(params), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), Capabilities.cpu(2, 1L << 30), x -> { }))
                .isInstanceOf(StageFailedException.class)
                .hasMessageContaining("the worker's diffusion prior cannot be loaded: unet.pt in " + broken)
                .hasMessageContaining("does not match the module contract forward(latents[B,C,h,h] float32, t[B] int64, text[B,L,D] float32)")
                .hasMessageContaining("its forward takes (latents, text)");
    }
}
