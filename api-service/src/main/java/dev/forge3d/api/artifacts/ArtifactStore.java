package dev.forge3d.api.artifacts;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Writes a worker's artifact under its attempt (invisible until that attempt is published by complete). */
@Component
public class ArtifactStore {
    private final BlobStore blobs;
    private final JdbcClient jdbc;
    private final LeaseFence fence;

    public ArtifactStore(BlobStore blobs, JdbcClient jdbc, LeaseFence fence) {
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.fence = fence;
    }

    public record Stored(String name, long size, String sha256, String mediaType) {}

    /**
     * Streams the artifact into the blob store, then records it in the transaction that re-checks the lease
     * ({@link LeaseFence}): a worker that lost {@code token} while uploading records nothing (409 stale-lease).
     */
    public Stored store(UUID jobId, long token, int attempt, String name, String declaredType, InputStream body,
            long maxBytes) throws IOException {
        String mediaType = MediaTypes.forArtifact(name, declaredType);
        MessageDigest sha = sha256();
        String key = BlobKeys.artifact(jobId, attempt, name);
        long size;
        try (InputStream in = new DigestInputStream(limit(body, maxBytes), sha)) {
            size = blobs.put(key, in, mediaType);
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        fence.record(jobId, token, attempt, key, () -> jdbc.sql("""
                insert into artifacts (job_id, attempt, name, size, sha256, media_type, blob_key)
                values (:job, :attempt, :name, :size, :sha, :type, :key)
                on conflict (job_id, attempt, name)
                do update set size = excluded.size, sha256 = excluded.sha256, media_type = excluded.media_type,
                              blob_key = excluded.blob_key, created_at = now()""")
                .param("job", jobId).param("attempt", attempt).param("name", name).param("size", size)
                .param("sha", hex).param("type", mediaType).param("key", key)
                .update());
        return new Stored(name, size, hex, mediaType);
    }

    private static InputStream limit(InputStream in, long max) {
        return new FilterInputStream(in) {
            long seen;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) check(1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) check(n);
                return n;
            }

            private void check(int n) {
                seen += n;
                if (seen > max) {
                    throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "artifact is larger than " + max + " bytes");
                }
            }
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
