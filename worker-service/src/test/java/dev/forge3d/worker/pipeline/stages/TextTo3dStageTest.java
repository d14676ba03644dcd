package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.pipeline.JobParams;
import dev.forge3d.worker.pipeline.LocalPipelineRunner;
import dev.forge3d.worker.pipeline.Pipeline;
import dev.forge3d.worker.pipeline.PipelineRegistry;
import dev.forge3d.worker.pipeline.StageFailedException;
import dev.forge3d.runtime.sds.torchscript.TorchScriptDiffusionPrior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text-to-3d job type through the same runner a worker uses, with the built-in prior. */
class TextTo3dStageTest {

    private static final Capabilities CPU = Capabilities.cpu(2, 1L << 30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private static JobParams params(String prompt, int iterations) {
        ObjectNode o = JSON.createObjectNode();
        if (prompt != null) o.put("prompt", prompt);
        o.put("seed", 3);
        o.put("iterations", iterations);
        return new JobParams(o);
    }

    @Test
    void promptJobWritesTheAssetsAndQualityMetrics() throws Exception {
        Pipeline p = PipelineRegistry.standard().pipeline("text-to-3d").orElseThrow();
        assertThat(p.steps().getFirst().stage()).isInstanceOf(TextTo3dStage.class);
        List<Progress> seen = new CopyOnWriteArrayList<>();
        ObjectNode metrics = LocalPipelineRunner.run(p, "t23d-1", params("a green cube", 40), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, seen::add);
        for (String f : List.of("model.glb", "scene.ply", "scene.splat", "preview.png", "metrics.json")) {
            assertThat(tmp.resolve("out").resolve(f)).isNotEmptyFile();
        }
        assertThat(metrics.path("prior").asString()).isEqualTo("builtin");
        assertThat(metrics.path("iterations").asInt()).isEqualTo(40);
        assertThat(metrics.path("quality").path("judgedShape").isString()).isTrue();
        assertThat(JSON.readTree(tmp.resolve("out/metrics.json").toFile()).path("quality").has("janusFree")).isTrue();
        // the prior's self-check of the kept run, and every attempt with its seed
        assertThat(metrics.path("selfCheck").path("intended").asString()).isEqualTo("green cube");
        assertThat(metrics.path("attempts").size()).isBetween(1, 3);
        assertThat(metrics.path("attempts").get(0).path("seed").asLong()).isEqualTo(3);
        assertThat(seen).isNotEmpty();
        assertThat(seen.getLast().fraction()).isEqualTo(1.0);
        // the job's progress only grows, through the self-check, any retry and the exports
        assertThat(seen.stream().map(Progress::fraction).toList()).isSorted();
    }

    @Test
    void missingPromptFailsWithAReason() {
        Pipeline p = PipelineRegistry.standard().pipeline("text-to-3d").orElseThrow();
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "t23d-2", params(null, 10), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, x -> { }))
                .isInstanceOf(StageFailedException.class).hasMessageContaining("needs a non-empty 'prompt'");
    }

    @Test
    void attemptsOutOfRangeFailWithAReason() {
        Pipeline p = PipelineRegistry.standard().pipeline("text-to-3d").orElseThrow();
        ObjectNode o = JSON.createObjectNode().put("prompt", "a red cube").put("attempts", 0);
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "t23d-5", new JobParams(o), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, x -> { }))
                .isInstanceOf(StageFailedException.class).hasMessageContaining("option 'attempts' must be between 1 and 10");
    }

    @Test
    void brokenPriorDirectoryFailsTheJobWithTheReason() {
        Path missing = tmp.resolve("no-such-model");
        Pipeline p = Pipeline.builder("text-to-3d").stage(new TextTo3dStage(() -> TorchScriptDiffusionPrior.load(missing)), 1).build();
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "t23d-3", params("a cube", 10), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, x -> { }))
                .isInstanceOf(StageFailedException.class).hasMessageContaining("prior cannot be loaded").hasMessageContaining("no-such-model");
    }

    @Test
    void cancelStopsTheRun() {
        Pipeline p = PipelineRegistry.standard().pipeline("text-to-3d").orElseThrow();
        AtomicInteger reports = new AtomicInteger();
        ProgressListener stopSoon = new ProgressListener() {
            @Override public void onProgress(Progress progress) { reports.incrementAndGet(); }
            @Override public boolean cancelRequested() { return reports.get() > 0; }
        };
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "t23d-4", params("a red sphere", 100_000), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, stopSoon)).isInstanceOf(CancelledException.class);
    }
}
