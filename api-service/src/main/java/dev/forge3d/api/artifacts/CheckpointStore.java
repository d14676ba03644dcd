package dev.forge3d.api.artifacts;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A job's checkpoints: one row per name (table {@code checkpoints}), recorded under the lease check like an
 * artifact; each upload has its own blob, the row names the current one and the replaced blob is deleted.
 */
@Component
public class CheckpointStore {
    private final BlobStore blobs;
    private final JdbcClient jdbc;
    private final LeaseFence fence;

    public CheckpointStore(BlobStore blobs, JdbcClient jdbc, LeaseFence fence) {
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.fence = fence;
    }

    public record Stored(String name, long size, String sha256) {}

    public record Found(String blobKey, long size) {}

    public Stored store(UUID jobId, long token, int attempt, String name, InputStream body) throws IOException {
        MessageDigest sha = sha256();
        String key = BlobKeys.checkpoint(jobId, UUID.randomUUID(), name);
        long size;
        try (InputStream in = new DigestInputStream(body, sha)) {
            size = blobs.put(key, in, "application/octet-stream");
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        String[] replaced = new String[1];
        fence.record(jobId, token, attempt, key, () -> {
            replaced[0] = jdbc.sql("select blob_key from checkpoints where job_id = :job and name = :name for update")
                    .param("job", jobId).param("name", name).query(String.class).optional().orElse(null);
            jdbc.sql("""
                    insert into checkpoints (job_id, name, attempt, size, sha256, blob_key)
                    values (:job, :name, :attempt, :size, :sha, :key)
                    on conflict (job_id, name)
                    do update set attempt = excluded.attempt, size = excluded.size, sha256 = excluded.sha256,
                                  blob_key = excluded.blob_key, created_at = now()""")
                    .param("job", jobId).param("name", name).param("attempt", attempt).param("size", size)
                    .param("sha", hex).param("key", key).update();
        });
        if (replaced[0] != null && !replaced[0].equals(key)) fence.deleteQuietly(replaced[0]);
        return new Stored(name, size, hex);
    }

    /** The current blob of a checkpoint; checkpoints written before the table existed are found by their old key. */
    public Optional<Found> find(UUID jobId, String name) throws IOException {
        Optional<Found> row = jdbc.sql("select blob_key, size from checkpoints where job_id = :job and name = :name")
                .param("job", jobId).param("name", name)
                .query((rs, n) -> new Found(rs.getString(1), rs.getLong(2))).optional();
        if (row.isPresent()) return row;
        String legacy = BlobKeys.legacyCheckpoint(jobId, name);
        var size = blobs.size(legacy);
        return size.isPresent() ? Optional.of(new Found(legacy, size.getAsLong())) : Optional.empty();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
