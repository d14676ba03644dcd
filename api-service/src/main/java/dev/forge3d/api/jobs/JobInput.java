package dev.forge3d.api.jobs;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/** One uploaded input of a job (e.g. {@code images/a.jpg}), stored in the blob store. */
@Entity
@Table(name = "job_inputs")
@IdClass(JobInput.Key.class)
public class JobInput implements Persistable<JobInput.Key> {
    public record Key(UUID jobId, String name) implements Serializable {
        public Key() { this(null, null); }
    }

    @Id
    @Column(name = "job_id")
    private UUID jobId;
    @Id
    private String name;
    private long size;
    private String sha256;
    @Column(name = "media_type")
    private String mediaType;
    @Column(name = "blob_key")
    private String blobKey;

    @Transient
    private boolean isNew = true;

    protected JobInput() {}

    @Override
    public Key getId() { return new Key(jobId, name); }

    @Override
    public boolean isNew() { return isNew; }

    @PostLoad
    @PostPersist
    void markNotNew() { isNew = false; }

    public JobInput(UUID jobId, String name, long size, String sha256, String mediaType, String blobKey) {
        this.jobId = jobId;
        this.name = name;
        this.size = size;
        this.sha256 = sha256;
        this.mediaType = mediaType;
        this.blobKey = blobKey;
    }

    public UUID getJobId() { return jobId; }
    public String getName() { return name; }
    public long getSize() { return size; }
    public String getSha256() { return sha256; }
    public String getMediaType() { return mediaType; }
    public String getBlobKey() { return blobKey; }
}
