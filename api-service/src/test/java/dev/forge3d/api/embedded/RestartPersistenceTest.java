package dev.forge3d.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Embedded mode as {@code forge3d serve} runs it (embedded PostgreSQL + file blobs under one data directory):
 * jobs, inputs, artifacts and the API key survive a full stop and start with the same data directory.
 */
class RestartPersistenceTest {
    @TempDir
    Path dataDir;

    @Test
    void jobsAndArtifactsSurviveARestart() throws Exception {
        String doneJob;
        String queuedJob;
        String apiKey;
        byte[] photo = TestImages.jpeg(5);
        byte[] ply = "ply\nformat binary_little_endian 1.0\nend_header\n".getBytes(StandardCharsets.US_ASCII);
        try (EmbeddedServer first = EmbeddedServer.start(options())) {
            apiKey = first.apiKey();
            ApiClient api = new ApiClient(first.url(), first.workerToken());
            doneJob = api.postMultipart(apiKey, new Multipart().field("type", "photos-to-splat")
                    .file("images", "shoe.jpg", "image/jpeg", photo), Map.of()).json().path("id").asString();
            JsonNode lease = api.lease("w", 0, 30).json();
            long token = lease.path("leaseToken").asLong();
            assertThat(api.putArtifact(doneJob, token, "scene.ply", "application/ply", ply).status()).isEqualTo(201);
            assertThat(api.complete(doneJob, token).status()).isEqualTo(200);
            queuedJob = api.createTextJob(apiKey, "a red cube").json().path("id").asString();
        }
        assertThat(Files.readString(dataDir.resolve("api-key")).trim()).isEqualTo(apiKey);

        try (EmbeddedServer second = EmbeddedServer.start(options())) {
            assertThat(second.apiKey()).isEqualTo(apiKey);
            ApiClient api = new ApiClient(second.url(), second.workerToken());
            JsonNode job = api.get("/v1/jobs/" + doneJob, apiKey).json();
            assertThat(job.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("artifacts")).hasSize(1);
            assertThat(api.get("/v1/jobs/" + doneJob + "/artifacts/scene.ply", apiKey).body()).isEqualTo(ply);
            assertThat(ApiClient.ids(api.get("/v1/jobs", apiKey).json())).containsExactly(queuedJob, doneJob);

            // The queued job is still there to be run, with its inputs intact.
            JsonNode lease = api.lease("w2", 0, 30).json();
            assertThat(lease.path("jobId").asString()).isEqualTo(queuedJob);
            assertThat(api.complete(queuedJob, lease.path("leaseToken").asLong()).status()).isEqualTo(200);
            assertThat(api.get("/v1/jobs/" + queuedJob, apiKey).json().path("state").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION"))).isTrue();
        assertThat(Files.exists(dataDir.resolve("blobs").resolve("jobs").resolve(doneJob))).isTrue();
    }

    private EmbeddedServer.Options options() {
        return new EmbeddedServer.Options(dataDir, "127.0.0.1", 0, null, null, null, null, null, false,
                List.of("--logging.level.root=warn"));
    }
}
