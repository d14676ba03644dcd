package dev.forge3d.api.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** The API's own sweeper and filesystem blob store; also spool files and retention, which need no second store. */
class FileSystemOrphanSweeperTest extends OrphanSweeperContract {
    @Autowired
    BlobStore blobs;
    @Autowired
    OrphanSweeper sweeper;
    @Value("${forge3d.data-dir}")
    Path dataDir;

    @Override
    BlobStore store() {
        return blobs;
    }

    @Override
    OrphanSweeper sweeper() {
        return sweeper;
    }

    @Test
    void oldSpoolFilesAreRemovedAndFreshOnesKept() throws Exception {
        Path spool = Files.createDirectories(dataDir.resolve("spool"));
        Path old = Files.writeString(spool.resolve("zip-crashed.entry"), "left by a crash");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = Files.writeString(spool.resolve("zip-in-use.entry"), "being read now");

        try {
            var report = sweeper.sweep(Instant.now().minusSeconds(3600));

            assertThat(report.spoolFiles()).isGreaterThanOrEqualTo(1);
            assertThat(old).doesNotExist();
            assertThat(fresh).exists();
        } finally {
            Files.deleteIfExists(fresh); // the spool is shared with later test classes, which expect it empty
        }
    }

    @Test
    void finishedJobsPastTheirTenantsRetentionAreDeletedWithTheirFiles() throws Exception {
        String shortLived = newTenantKey("retention-1d");
        jdbc.sql("update tenants set retention_days = 1 where id = (select tenant_id from api_keys "
                + "where key_hash = :h)").param("h", dev.forge3d.api.auth.ApiKeys.hash(shortLived)).update();
        String expired = finishedJob(shortLived, 2);
        String recent = finishedJob(shortLived, 0);
        // The global default is 0 (keep forever): another tenant's old job stays.
        String keptForever = finishedJob(key, 30);

        var report = sweeper.sweep(Instant.now().minusSeconds(3600));

        assertThat(report.expiredJobs()).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/v1/jobs/" + expired, shortLived).status()).isEqualTo(404);
        assertThat(blobs.list(BlobKeys.jobPrefix(UUID.fromString(expired)))).isEmpty();
        assertThat(api.get("/v1/jobs/" + recent, shortLived).status()).isEqualTo(200);
        assertThat(api.get("/v1/jobs/" + keptForever, key).status()).isEqualTo(200);
        assertThat(blobs.list(BlobKeys.jobPrefix(UUID.fromString(keptForever)))).hasSize(1);
    }

    /** A SUCCEEDED job with one published artifact, finished {@code daysAgo} days ago. */
    private String finishedJob(String tenantKey, int daysAgo) {
        String id = api.createTextJob(tenantKey, "finished " + daysAgo + " days ago").json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        api.putArtifact(id, token, "scene.ply", "application/ply", bytes("ply"));
        api.complete(id, token);
        jdbc.sql("update jobs set finished_at = now() - make_interval(days => :d) where id = :id")
                .param("d", daysAgo).param("id", UUID.fromString(id)).update();
        return id;
    }
}
