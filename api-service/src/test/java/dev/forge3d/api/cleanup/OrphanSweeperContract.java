package dev.forge3d.api.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.support.ApiTestBase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the {@link OrphanSweeper} removes and keeps, against a real database and a real blob store (the filesystem
 * store of the running API, and an S3-compatible server). Jobs run through the HTTP worker protocol; where the
 * store under test is not the API's own, the blobs the API wrote are mirrored into it under the same keys.
 */
abstract class OrphanSweeperContract extends ApiTestBase {
    String key;

    abstract BlobStore store();

    abstract OrphanSweeper sweeper();

    @BeforeEach
    void setUp() {
        drainQueue();
        key = newTenantKey("sweeper");
    }

    @Test
    void blobsWithoutAJobAreRemovedOnceOlderThanTheGracePeriod() throws IOException {
        String orphan = "jobs/" + UUID.randomUUID() + "/inputs/images/a.jpg";
        put(orphan);
        String jobId = api.createTextJob(key, "a job with a row").json().path("id").asString();
        String owned = BlobKeys.input(UUID.fromString(jobId), "images/b.jpg");
        put(owned);
        String foreign = "elsewhere/not-a-job-key";
        put(foreign);

        // Within the grace period: a create may still be uploading before it inserts its row.
        assertThat(sweeper().sweep(Instant.now().minusSeconds(3600)).orphanBlobs()).isZero();
        assertThat(store().size(orphan)).isPresent();

        // Once the grace period has passed, as if an hour later.
        var report = sweeper().sweep(Instant.now().plusSeconds(5));
        assertThat(report.orphanBlobs()).isGreaterThanOrEqualTo(1);
        assertThat(store().size(orphan)).isEmpty();
        assertThat(store().size(owned)).as("a job's inputs stay while it exists").isPresent();
        assertThat(store().size(foreign)).as("keys outside jobs/ are not the sweeper's").isPresent();
    }

    @Test
    void finishedJobsLoseUnpublishedAttemptsAndCheckpointsRunningJobsKeepThem() throws IOException {
        String id = api.createTextJob(key, "two attempts").json().path("id").asString();
        UUID job = UUID.fromString(id);
        long t1 = api.lease("w1", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putArtifact(id, t1, "preview.png", "image/png", bytes("attempt 1")).status()).isEqualTo(201);
        assertThat(api.putCheckpoint(id, t1, "train/ckpt.bin", bytes("state")).status()).isEqualTo(201);
        String checkpoint = checkpointKey(job);
        assertThat(api.fail(id, t1, "node going away", true).json().path("state").asString()).isEqualTo("QUEUED");
        long t2 = api.lease("w2", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putArtifact(id, t2, "scene.ply", "application/ply", bytes("attempt 2")).status())
                .isEqualTo(201);
        assertThat(api.complete(id, t2).json().path("state").asString()).isEqualTo("SUCCEEDED");
        String unpublished = BlobKeys.artifact(job, 1, "preview.png");
        String published = BlobKeys.artifact(job, 2, "scene.ply");
        String input = BlobKeys.input(job, "images/a.jpg");
        // An upload of attempt 1 that crashed between its blob and its row.
        String stray = BlobKeys.artifact(job, 1, "stray.bin");
        for (String k : new String[] {unpublished, published, checkpoint, input, stray}) put(k);

        String runningId = api.createTextJob(key, "still running").json().path("id").asString();
        long t3 = api.lease("w3", 0, 30).json().path("leaseToken").asLong();
        api.putCheckpoint(runningId, t3, "ckpt.bin", bytes("running state"));
        String runningCheckpoint = checkpointKey(UUID.fromString(runningId));
        put(runningCheckpoint);

        var report = sweeper().sweep(Instant.now().minusSeconds(3600));

        assertThat(report.unpublishedArtifactBlobs()).isGreaterThanOrEqualTo(2);
        assertThat(report.checkpointBlobs()).isGreaterThanOrEqualTo(1);
        assertThat(store().size(unpublished)).isEmpty();
        assertThat(store().size(stray)).isEmpty();
        assertThat(store().size(checkpoint)).isEmpty();
        assertThat(store().size(published)).isPresent();
        assertThat(store().size(input)).isPresent();
        assertThat(store().size(runningCheckpoint)).isPresent();
        assertThat(count("select count(*) from artifacts where job_id = :id", job)).isEqualTo(1);
        assertThat(count("select count(*) from checkpoints where job_id = :id", job)).isZero();
        assertThat(count("select count(*) from checkpoints where job_id = :id", UUID.fromString(runningId)))
                .isEqualTo(1);
        // The published artifact is still served.
        assertThat(api.get("/v1/jobs/" + id + "/artifacts/scene.ply", key).status()).isEqualTo(200);
    }

    private String checkpointKey(UUID job) {
        return jdbc.sql("select blob_key from checkpoints where job_id = :id").param("id", job)
                .query(String.class).single();
    }

    long count(String sql, UUID id) {
        return jdbc.sql(sql).param("id", id).query(Long.class).single();
    }

    /** Makes sure the store under test holds {@code key} (the API's own store already does for what it wrote). */
    void put(String k) throws IOException {
        if (store().size(k).isEmpty()) store().put(k, new ByteArrayInputStream(bytes(k)), null);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
