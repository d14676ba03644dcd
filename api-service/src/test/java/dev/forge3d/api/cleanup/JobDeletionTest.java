package dev.forge3d.api.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code DELETE /v1/jobs/{id}} over real HTTP: finished jobs go with all their files; others are refused. */
class JobDeletionTest extends ApiTestBase {
    @Autowired
    BlobStore blobs;
    String key;

    @BeforeEach
    void setUp() {
        drainQueue();
        key = newTenantKey("deletion");
    }

    @Test
    void aFinishedJobIsDeletedWithItsInputsArtifactsAndCheckpoints() throws Exception {
        var m = new Multipart().field("type", "photos-to-splat").field("preset", "preview")
                .file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1))
                .file("images", "b.png", "image/png", TestImages.png(2));
        String id = api.postMultipart(key, m, Map.of()).json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putCheckpoint(id, token, "ckpt.bin", bytes("state")).status()).isEqualTo(201);
        assertThat(api.putArtifact(id, token, "scene.ply", "application/ply", bytes("ply")).status()).isEqualTo(201);
        assertThat(api.complete(id, token).json().path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(blobs.list("jobs/" + id + "/")).hasSize(4);

        var r = delete(id, key);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(api.get("/v1/jobs/" + id, key).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/" + id + "/artifacts/scene.ply", key).status()).isEqualTo(404);
        for (String table : new String[] {"jobs", "job_inputs", "artifacts", "checkpoints"}) {
            String col = table.equals("jobs") ? "id" : "job_id";
            assertThat(jdbc.sql("select count(*) from " + table + " where " + col + " = :id")
                    .param("id", UUID.fromString(id)).query(Long.class).single()).as(table).isZero();
        }
        assertThat(blobs.list("jobs/" + id + "/")).isEmpty();
        // Deleted already: 404.
        assertThat(delete(id, key).status()).isEqualTo(404);
    }

    @Test
    void queuedAndRunningJobsAreRefusedUntilTheyAreCanceled() {
        String queued = api.createTextJob(key, "queued").json().path("id").asString();
        var r = delete(queued, key);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problemType()).isEqualTo("job-not-finished");
        assertThat(r.json().path("detail").asString()).contains("QUEUED").contains("cancel");

        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        assertThat(delete(queued, key).problemType()).isEqualTo("job-not-finished");
        // A cancel request alone does not finish a running job: the worker has to stop first.
        assertThat(api.send("POST", "/v1/jobs/" + queued + "/cancel", key, Map.of(), null).status()).isEqualTo(202);
        assertThat(delete(queued, key).status()).isEqualTo(409);
        assertThat(api.canceled(queued, token).json().path("state").asString()).isEqualTo("CANCELED");
        assertThat(delete(queued, key).status()).isEqualTo(204);
    }

    @Test
    void anotherTenantsJobIsNotFoundAndStays() {
        String id = api.createTextJob(key, "mine").json().path("id").asString();
        api.send("POST", "/v1/jobs/" + id + "/cancel", key, Map.of(), null);
        String other = newTenantKey("deletion-other");
        assertThat(delete(id, other).status()).isEqualTo(404);
        assertThat(delete(UUID.randomUUID().toString(), key).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/" + id, key).status()).isEqualTo(200);
        assertThat(delete(id, null).status()).isEqualTo(401);
    }

    private ApiClient.Res delete(String id, String bearer) {
        return api.send("DELETE", "/v1/jobs/" + id, bearer, Map.of(), null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
