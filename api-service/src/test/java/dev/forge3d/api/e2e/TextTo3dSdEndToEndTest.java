package dev.forge3d.api.e2e;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text-to-3d job through the public API in embedded mode, the embedded worker configured with an exported Stable
 * Diffusion folder ({@code forge3d.worker.prior}: the miniature random-weight fixture scripts/sds/tiny-sd): SDS runs
 * through the real TorchScript prior, one batched UNet pass per iteration, and the job delivers every artifact.
 */
@TestPropertySource(properties = {
        "forge3d.embedded-worker.enabled=true",
        "forge3d.queue.default-lease-seconds=10",
        "forge3d.worker.lease-wait-seconds=2"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TextTo3dSdEndToEndTest extends ApiTestBase {

    @DynamicPropertySource
    static void prior(DynamicPropertyRegistry r) {
        r.add("forge3d.worker.prior", () -> tinySd().toString());
    }

    static Path tinySd() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("scripts/sds/tiny-sd"))) return p.resolve("scripts/sds/tiny-sd");
        }
        throw new IllegalStateException("scripts/sds/tiny-sd not found");
    }

    @Test
    void promptBecomesAssetsThroughTheExportedPrior() throws Exception {
        drainQueue();
        String key = newTenantKey("sd-e2e");
        ApiClient.Res created = api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a small wooden chair\",\"iterations\":300,\"seed\":4}");
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().path("id").asString();

        JsonNode job = await(key, id, Duration.ofMinutes(3));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        Set<String> names = new TreeSet<>();
        for (JsonNode a : job.path("artifacts")) names.add(a.path("name").asString());
        assertThat(names).contains("model.glb", "scene.ply", "scene.splat", "preview.png", "metrics.json");
        ApiClient.Res metricsFile = api.unchecked().get("/v1/jobs/" + id + "/artifacts/metrics.json", key);
        JsonNode m = ApiClient.JSON.readTree(metricsFile.body());
        assertThat(m.path("prior").asString()).isEqualTo("torchscript:tiny-sd");
        assertThat(m.path("iterations").asInt()).isEqualTo(300);
        assertThat(m.path("priorRuntime").path("unetPasses").asLong()).isEqualTo(300);
        assertThat(m.path("priorRuntime").path("unetImages").asLong()).isEqualTo(300L * 8);
        assertThat(m.path("selfCheckSkipped").asString()).contains("open vocabulary");
        assertThat(job.path("metrics").path("prior").asString()).isEqualTo("torchscript:tiny-sd");
        byte[] glb = api.unchecked().get("/v1/jobs/" + id + "/artifacts/model.glb", key).body();
        assertThat(new String(glb, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("glTF");
    }

    private JsonNode await(String key, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode j = api.get("/v1/jobs/" + id, key).json();
            if (Set.of("SUCCEEDED", "FAILED", "CANCELED").contains(j.path("state").asString())) return j;
            if (System.nanoTime() > deadline) throw new AssertionError("job " + id + " not done after " + timeout + ": " + j);
            Thread.sleep(250);
        }
    }

}
