package dev.forge3d.api.artifacts;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** An output file of one attempt of a job; public only once that attempt is the job's published attempt. */
@Entity
@Table(name = "artifacts")
@IdClass(Artifact.Key.class)
public class Artifact {
    public record Key(UUID jobId, int attempt, String name) implements Serializable {
        public Key() { this(null, 0, null); }
    }

    @Id
    @Column(name = "job_id")
    private UUID jobId;
    @Id
    private int attempt;
    @Id
    private String name;
    private long size;
    private String sha256;
    @Column(name = "media_type")
    private String mediaType;
    @Column(name = "blob_key")
    private String blobKey;
    @Column(name = "created_at")
    private Instant createdAt;

    protected Artifact() {}

    public UUID getJobId() { return jobId; }
    public int getAttempt() { return attempt; }
    public String getName() { return name; }
    public long getSize() { return size; }
    public String getSha256() { return sha256; }
    public String getMediaType() { return mediaType; }
    public String getBlobKey() { return blobKey; }
    public Instant getCreatedAt() { return createdAt; }
}
