package dev.forge3d.api.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Lost leases, stale fencing tokens, retries and cancellation through the HTTP worker protocol. */
class LeaseFencingTest extends ApiTestBase {
    String key;

    @BeforeEach
    void setUp() {
        drainQueue();
        key = newTenantKey("fencing");
    }

    @Test
    void workerThatStopsHeartbeatingLosesTheJobToAnotherWorker() throws Exception {
        String jobId = api.createTextJob(key, "a blue torus").json().path("id").asString();
        JsonNode first = api.lease("worker-a", 0, 1).json();
        assertThat(first.path("jobId").asString()).isEqualTo(jobId);
        assertThat(first.path("attempt").asInt()).isEqualTo(1);
        long staleToken = first.path("leaseToken").asLong();
        assertThat(api.putArtifact(jobId, staleToken, "preview.png", "image/png", bytes("from a")).status())
                .isEqualTo(201);

        // worker-a goes silent; the sweeper puts the job back and worker-b gets it.
        JsonNode second = leaseWithin("worker-b", Duration.ofSeconds(10));
        assertThat(second.path("jobId").asString()).isEqualTo(jobId);
        assertThat(second.path("attempt").asInt()).isEqualTo(2);
        long token = second.path("leaseToken").asLong();
        assertThat(token).isGreaterThan(staleToken);

        // Everything worker-a tries now is refused and changes nothing.
        String before = snapshot(jobId);
        for (var r : java.util.List.of(api.heartbeat(jobId, staleToken, "train", 0.9), api.complete(jobId, staleToken),
                api.fail(jobId, staleToken, "boom", false),
                api.putArtifact(jobId, staleToken, "scene.ply", "application/ply", bytes("late")),
                api.workerGet("/v1/worker/jobs/" + jobId + "/checkpoints/ckpt.bin", staleToken))) {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.problemType()).isEqualTo("stale-lease");
        }
        assertThat(snapshot(jobId)).isEqualTo(before);

        assertThat(api.putArtifact(jobId, token, "manifest.json", "application/json", bytes("{\"b\":1}")).status())
                .isEqualTo(201);
        assertThat(api.complete(jobId, token).status()).isEqualTo(200);
        JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
        assertThat(job.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        // Only the completing attempt's artifacts are published; worker-a's preview.png is not.
        assertThat(job.path("artifacts")).hasSize(1);
        assertThat(job.path("artifacts").get(0).path("name").asString()).isEqualTo("manifest.json");
        // A second complete with the (now finished) token is stale too.
        assertThat(api.complete(jobId, token).status()).isEqualTo(409);
    }

    @Test
    void jobFailsAfterTheLastAttemptsLeaseExpires() throws Exception {
        String jobId = api.createTextJob(key, "a yellow cone").json().path("id").asString();
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode lease = leaseWithin("flaky-" + attempt, Duration.ofSeconds(10));
            assertThat(lease.path("attempt").asInt()).isEqualTo(attempt);
        }
        JsonNode job = awaitState(jobId, "FAILED", Duration.ofSeconds(10));
        assertThat(job.path("error").path("type").asString()).isEqualTo("https://forge3d.dev/problems/lease-expired");
        assertThat(job.path("error").path("detail").asString()).contains("lease expired 3 times");
    }

    @Test
    void retryableFailureRequeuesAndFinalFailureKeepsTheReason() {
        String jobId = api.createTextJob(key, "a green sphere").json().path("id").asString();
        JsonNode l1 = api.lease("w", 0, 30).json();
        var r = api.fail(jobId, l1.path("leaseToken").asLong(), "GPU out of memory", true);
        assertThat(r.json().path("state").asString()).isEqualTo("QUEUED");
        JsonNode l2 = api.lease("w", 0, 30).json();
        assertThat(l2.path("attempt").asInt()).isEqualTo(2);
        r = api.fail(jobId, l2.path("leaseToken").asLong(), "could not register 5 of 8 images", false);
        assertThat(r.json().path("state").asString()).isEqualTo("FAILED");
        JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
        assertThat(job.path("error").path("detail").asString()).isEqualTo("could not register 5 of 8 images");
        assertThat(job.path("finishedAt").isNull()).isFalse();
    }

    @Test
    void cancelWhileRunningEndsCanceledAfterTheWorkerStops() {
        String jobId = api.createTextJob(key, "a purple cylinder").json().path("id").asString();
        JsonNode lease = api.lease("w", 0, 30).json();
        long token = lease.path("leaseToken").asLong();
        assertThat(api.heartbeat(jobId, token, "train", 0.2).json().path("cancelRequested").asBoolean()).isFalse();
        assertThat(api.canceled(jobId, token).problemType()).isEqualTo("cancel-not-requested");

        var cancel = api.send("POST", "/v1/jobs/" + jobId + "/cancel", key, java.util.Map.of(), null);
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().path("state").asString()).isEqualTo("RUNNING");
        assertThat(cancel.json().path("cancelRequested").asBoolean()).isTrue();

        assertThat(api.heartbeat(jobId, token, "train", 0.3).json().path("cancelRequested").asBoolean()).isTrue();
        assertThat(api.canceled(jobId, token).json().path("state").asString()).isEqualTo("CANCELED");
        assertThat(api.get("/v1/jobs/" + jobId, key).json().path("state").asString()).isEqualTo("CANCELED");
        // The worker's token is dead now.
        assertThat(api.complete(jobId, token).status()).isEqualTo(409);
    }

    @Test
    void cancelQueuedJobIsImmediateAndFinishedJobsRefuse() {
        String queued = api.createTextJob(key, "a white cube").json().path("id").asString();
        var r = api.send("POST", "/v1/jobs/" + queued + "/cancel", key, java.util.Map.of(), null);
        assertThat(r.json().path("state").asString()).isEqualTo("CANCELED");
        assertThat(api.lease("w", 0, 30).status()).isEqualTo(204);
        // Cancelling again is a no-op.
        assertThat(api.send("POST", "/v1/jobs/" + queued + "/cancel", key, java.util.Map.of(), null).status())
                .isEqualTo(202);

        String done = api.createTextJob(key, "a black cone").json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        api.complete(done, token);
        r = api.send("POST", "/v1/jobs/" + done + "/cancel", key, java.util.Map.of(), null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problemType()).isEqualTo("job-finished");
    }

    @Test
    void longPollIsWokenByANewJob() throws Exception {
        var waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            var r = api.lease("sleeper", 20, 30);
            return java.util.Map.entry(r, (System.nanoTime() - t0) / 1_000_000);
        });
        Thread.sleep(700);
        String jobId = api.createTextJob(key, "an orange torus").json().path("id").asString();
        var result = waiter.get(25, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.getKey().status()).isEqualTo(200);
        assertThat(result.getKey().json().path("jobId").asString()).isEqualTo(jobId);
        assertThat(result.getValue()).as("woken well before the 20 s wait ran out").isLessThan(5000);
    }

    @Test
    void heartbeatRecordsProgressAndCheckpointsOutliveAttempts() {
        String jobId = api.createTextJob(key, "a red cylinder").json().path("id").asString();
        long t1 = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        var hb = api.heartbeat(jobId, t1, "train", 0.42);
        assertThat(hb.status()).isEqualTo(200);
        JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
        assertThat(job.path("stage").asString()).isEqualTo("train");
        assertThat(job.path("progress").asDouble()).isEqualTo(0.42);
        assertThat(job.path("state").asString()).isEqualTo("RUNNING");
        assertThat(api.putCheckpoint(jobId, t1, "train/step-100.bin", bytes("weights")).status()).isEqualTo(201);
        api.fail(jobId, t1, "node shutting down", true);
        long t2 = api.lease("w2", 0, 30).json().path("leaseToken").asLong();
        var ck = api.workerGet("/v1/worker/jobs/" + jobId + "/checkpoints/train/step-100.bin", t2);
        assertThat(ck.status()).isEqualTo(200);
        assertThat(ck.text()).isEqualTo("weights");
        assertThat(api.workerGet("/v1/worker/jobs/" + jobId + "/checkpoints/none.bin", t2).status()).isEqualTo(404);
    }

    @Test
    void completeCanLeaseTheNextJobInTheSameCall() {
        String first = api.createTextJob(key, "job one").json().path("id").asString();
        String second = api.createTextJob(key, "job two").json().path("id").asString();
        JsonNode lease = api.lease("chain", 0, 30).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(first);
        var next = java.util.Map.of("workerId", "chain", "jobTypes", java.util.List.of("text-to-3d"));
        JsonNode r = api.workerPost("/v1/worker/jobs/" + first + "/complete",
                java.util.Map.of("leaseToken", lease.path("leaseToken").asLong(), "next", next)).json();
        assertThat(r.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(r.path("next").path("jobId").asString()).isEqualTo(second);
        long token2 = r.path("next").path("leaseToken").asLong();
        JsonNode last = api.workerPost("/v1/worker/jobs/" + second + "/complete",
                java.util.Map.of("leaseToken", token2, "next", next)).json();
        assertThat(last.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(last.path("next").isNull()).isTrue();
    }

    private JsonNode leaseWithin(String worker, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            var r = api.lease(worker, 1, 1);
            if (r.status() == 200) return r.json();
        }
        throw new AssertionError("no lease within " + max);
    }

    private JsonNode awaitState(String jobId, String state, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = api.get("/v1/jobs/" + jobId, key).json();
            if (job.path("state").asString().equals(state)) return job;
            Thread.sleep(100);
        }
        throw new AssertionError("job not " + state + " within " + max + ": " + job);
    }

    private String snapshot(String jobId) {
        return jdbc.sql("select state || '/' || attempt || '/' || lease_token || '/' || coalesce(stage, '-') || '/' "
                        + "|| progress || '/' || coalesce(error_detail, '-') from jobs where id = :id")
                .param("id", UUID.fromString(jobId)).query(String.class).single()
                + "/" + jdbc.sql("select count(*) from artifacts where job_id = :id").param("id", UUID.fromString(jobId))
                .query(Long.class).single();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
