package dev.forge3d.api.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.blobs.FileSystemBlobStore;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A worker whose lease is lost while its upload streams in records nothing: the artifact or checkpoint row is
 * written in the transaction that re-checks the lease, and the uploaded blob is deleted.
 */
class UploadFencingTest extends ApiTestBase {
    @Autowired
    BlobStore blobs;
    String key;

    @BeforeEach
    void setUp() {
        drainQueue();
        key = newTenantKey("upload-fencing");
    }

    @Test
    void artifactWhoseLeaseIsLostMidUploadIsNotRecordedAndItsBlobIsDeleted() throws Exception {
        String jobId = api.createTextJob(key, "a slow upload").json().path("id").asString();
        long token = api.lease("slow", 0, 30).json().path("leaseToken").asLong();

        var r = uploadLosingTheLeaseHalfway(jobId, token, "artifacts/scene.ply", "jobs/" + jobId + "/attempts");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problemType()).isEqualTo("stale-lease");
        assertThat(rows("artifacts", jobId)).isZero();
        assertThat(files("jobs/" + jobId + "/attempts")).isEmpty();
    }

    @Test
    void checkpointWhoseLeaseIsLostMidUploadLeavesTheCurrentCheckpointAlone() throws Exception {
        String jobId = api.createTextJob(key, "a slow checkpoint").json().path("id").asString();
        long t1 = api.lease("slow", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putCheckpoint(jobId, t1, "train/ckpt.bin", bytes("v0")).status()).isEqualTo(201);
        assertThat(api.putCheckpoint(jobId, t1, "train/ckpt.bin", bytes("v1")).status()).isEqualTo(201);
        assertThat(files("jobs/" + jobId + "/checkpoint-uploads")).as("the replaced upload is deleted").hasSize(1);

        var r = uploadLosingTheLeaseHalfway(jobId, t1, "checkpoints/train/ckpt.bin",
                "jobs/" + jobId + "/checkpoint-uploads");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problemType()).isEqualTo("stale-lease");

        // The next attempt resumes from the last checkpoint recorded under a valid lease.
        JsonNode second = leaseWithin("next", Duration.ofSeconds(10));
        assertThat(second.path("jobId").asString()).isEqualTo(jobId);
        var ck = api.workerGet("/v1/worker/jobs/" + jobId + "/checkpoints/train/ckpt.bin",
                second.path("leaseToken").asLong());
        assertThat(ck.status()).isEqualTo(200);
        assertThat(ck.text()).isEqualTo("v1");
        assertThat(rows("checkpoints", jobId)).isEqualTo(1);
        assertThat(files("jobs/" + jobId + "/checkpoint-uploads")).hasSize(1);
    }

    /**
     * Streams a 1 MiB body in two halves; once the server has started writing the blob (its temporary file
     * exists under {@code blobDir}), the lease is made to expire, then the second half is sent.
     */
    private ApiClient.Res uploadLosingTheLeaseHalfway(String jobId, long token, String path, String blobDir)
            throws Exception {
        PipedInputStream in = new PipedInputStream(64 * 1024);
        PipedOutputStream out = new PipedOutputStream(in);
        CompletableFuture<ApiClient.Res> put = CompletableFuture.supplyAsync(() -> api.send("PUT",
                "/v1/worker/jobs/" + jobId + "/" + path, WORKER_TOKEN,
                Map.of("X-Lease-Token", Long.toString(token), "Content-Type", "application/ply"),
                HttpRequest.BodyPublishers.ofInputStream(() -> in)));
        byte[] half = new byte[512 * 1024];
        out.write(half);
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (files(blobDir).isEmpty()) {
            assertThat(System.nanoTime()).as("the server started writing the blob").isLessThan(deadline);
            Thread.sleep(20);
        }
        jdbc.sql("update jobs set lease_expires_at = now() - interval '1 second' where id = :id")
                .param("id", UUID.fromString(jobId)).update();
        out.write(half);
        out.close();
        return put.get(30, TimeUnit.SECONDS);
    }

    /** Every file (finished blobs and temporary ones) under a folder of the filesystem blob store. */
    private List<Path> files(String dir) throws IOException {
        Path root = ((FileSystemBlobStore) blobs).root().resolve(dir);
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private long rows(String table, String jobId) {
        return jdbc.sql("select count(*) from " + table + " where job_id = :id").param("id", UUID.fromString(jobId))
                .query(Long.class).single();
    }

    private JsonNode leaseWithin(String worker, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            var r = api.lease(worker, 1, 30);
            if (r.status() == 200) return r.json();
        }
        throw new AssertionError("no lease within " + max);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
