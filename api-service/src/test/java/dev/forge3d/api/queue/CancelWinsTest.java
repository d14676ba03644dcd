package dev.forge3d.api.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A cancel that was answered 202 wins over the worker's completion or retryable failure, over real HTTP. */
class CancelWinsTest extends ApiTestBase {
    String key;

    @BeforeEach
    void setUp() {
        drainQueue();
        key = newTenantKey("cancel-wins");
    }

    @Test
    void completeAfterAcceptedCancelEndsCanceledWithoutPublishing() {
        String jobId = api.createTextJob(key, "a cancelled cube").json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putArtifact(jobId, token, "scene.ply", "application/ply", bytes("ply")).status())
                .isEqualTo(201);
        assertThat(cancel(jobId).status()).isEqualTo(202);

        var done = api.complete(jobId, token);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("state").asString()).isEqualTo("CANCELED");
        JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
        assertThat(job.path("state").asString()).isEqualTo("CANCELED");
        assertThat(job.path("artifacts")).isEmpty();
        assertThat(api.get("/v1/jobs/" + jobId + "/artifacts/scene.ply", key).status()).isEqualTo(404);
        assertThat(jdbc.sql("select published_attempt from jobs where id = :id").param("id", UUID.fromString(jobId))
                .query(Integer.class).optional()).isEmpty();
    }

    @Test
    void retryableFailAfterAcceptedCancelEndsCanceledAndIsNotRequeued() {
        String jobId = api.createTextJob(key, "a cancelled sphere").json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        assertThat(cancel(jobId).status()).isEqualTo(202);

        var r = api.fail(jobId, token, "GPU out of memory", true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("state").asString()).isEqualTo("CANCELED");
        assertThat(api.lease("w", 0, 30).status()).as("nothing is queued again").isEqualTo(204);
        JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
        assertThat(job.path("state").asString()).isEqualTo("CANCELED");
        assertThat(job.path("finishedAt").isNull()).isFalse();
    }

    /**
     * Cancel and complete race on many jobs at once: whichever wins, a 202 to the cancel means the job ends
     * CANCELED with nothing published, and a 409 to the cancel means the completion won.
     */
    @Test
    void racingCancelAndCompleteNeverLeaveAnAcceptedCancelSucceeded() throws Exception {
        int n = 24;
        List<String> ids = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(api.createTextJob(key, "race " + i).json().path("id").asString());
        for (int i = 0; i < n; i++) {
            JsonNode lease = api.lease("racer", 0, 60).json();
            tokens.add(ids.indexOf(lease.path("jobId").asString()), lease.path("leaseToken").asLong());
        }
        CyclicBarrier start = new CyclicBarrier(2 * n);
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        List<CompletableFuture<Integer>> cancels = new ArrayList<>();
        List<CompletableFuture<Integer>> completes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = ids.get(i);
            long token = tokens.get(i);
            api.putArtifact(id, token, "scene.ply", "application/ply", bytes("ply " + i));
            cancels.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return cancel(id).status();
            }, threads));
            completes.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return api.complete(id, token).status();
            }, threads));
        }
        int canceledWins = 0;
        for (int i = 0; i < n; i++) {
            int cancelStatus = cancels.get(i).get();
            assertThat(completes.get(i).get()).isEqualTo(200);
            JsonNode job = api.get("/v1/jobs/" + ids.get(i), key).json();
            if (cancelStatus == 202) {
                canceledWins++;
                assertThat(job.path("state").asString()).as("job %s", ids.get(i)).isEqualTo("CANCELED");
                assertThat(job.path("artifacts")).isEmpty();
            } else {
                assertThat(cancelStatus).isEqualTo(409);
                assertThat(job.path("state").asString()).isEqualTo("SUCCEEDED");
                assertThat(job.path("artifacts")).hasSize(1);
            }
        }
        System.out.printf("cancel won %d of %d races%n", canceledWins, n);
    }

    private ApiClient.Res cancel(String jobId) {
        return api.send("POST", "/v1/jobs/" + jobId + "/cancel", key, Map.of(), null);
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
