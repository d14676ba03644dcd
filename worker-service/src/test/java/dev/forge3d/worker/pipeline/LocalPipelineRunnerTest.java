package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.Capabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.forge3d.worker.testserver.ProtocolTestServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same pipelines a worker runs, on local folders. */
class LocalPipelineRunnerTest {

    private static final Capabilities CPU = Capabilities.cpu(2, 1L << 30);

    @TempDir
    Path tmp;

    @Test
    void diagnosticPipelineOnAFolderWritesManifestAndMetrics() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in/images"));
        byte[] a = {1, 2, 3, 4}, b = "hello".getBytes();
        Files.write(in.resolve("a.jpg"), a);
        Files.write(in.resolve("b.png"), b);
        List<Progress> seen = new CopyOnWriteArrayList<>();
        Pipeline p = PipelineRegistry.diagnostic().pipeline("photos-to-splat").orElseThrow();

        LocalPipelineRunner.run(p, "local-1", JobParams.empty(), tmp.resolve("in"), tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, seen::add);

        JsonNode manifest = JsonMapper.builder().build().readTree(tmp.resolve("out/manifest.json").toFile());
        assertThat(manifest.path("inputs").get(0).path("name").asString()).isEqualTo("images/a.jpg");
        assertThat(manifest.path("inputs").get(0).path("sha256").asString()).isEqualTo(sha256(a));
        assertThat(manifest.path("inputs").get(1).path("sha256").asString()).isEqualTo(sha256(b));
        assertThat(tmp.resolve("out/metrics.json")).exists();
        assertThat(seen).isNotEmpty();
        assertThat(seen.getLast().fraction()).isEqualTo(1.0);
    }

    @Test
    void aListenerThatAsksToStopCancelsTheRun() {
        Pipeline p = PipelineRegistry.diagnostic().pipeline("text-to-3d").orElseThrow();
        ProgressListener stop = new ProgressListener() {
            @Override public void onProgress(Progress progress) { }
            @Override public boolean cancelRequested() { return true; }
        };
        assertThatThrownBy(() -> LocalPipelineRunner.run(p, "local-2", JobParams.empty(), null, tmp.resolve("out"),
                tmp.resolve("work"), tmp.resolve("ckpt"), CPU, stop)).isInstanceOf(CancelledException.class);
    }
}
