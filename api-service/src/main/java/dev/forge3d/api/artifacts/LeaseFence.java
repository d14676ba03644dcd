package dev.forge3d.api.artifacts;

import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.queue.JobQueue;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records a row for a blob a worker just uploaded, in the transaction that re-checks the worker's lease: the job
 * row is locked FOR SHARE, so the lease cannot be lost between the check and the commit. A worker whose lease was
 * lost while it uploaded records nothing, and its blob is deleted (a blob whose delete fails too is found by the
 * cleanup sweeper once the job is finished).
 */
@Component
public class LeaseFence {
    private static final Logger log = LoggerFactory.getLogger(LeaseFence.class);
    private final JobQueue queue;
    private final TransactionTemplate tx;
    private final BlobStore blobs;

    public LeaseFence(JobQueue queue, TransactionTemplate tx, BlobStore blobs) {
        this.queue = queue;
        this.tx = tx;
        this.blobs = blobs;
    }

    /**
     * Runs {@code record} in one transaction with the lease check of {@code token} for {@code attempt}.
     *
     * @throws ApiException 409 stale-lease when the lease is no longer current (then {@code blobKey} is deleted)
     */
    public void record(UUID jobId, long token, int attempt, String blobKey, Runnable record) {
        Boolean recorded = tx.execute(status -> {
            var current = queue.lockCurrentAttempt(jobId, token);
            if (current.isEmpty() || current.getAsInt() != attempt) return false;
            record.run();
            return true;
        });
        if (!Boolean.TRUE.equals(recorded)) {
            deleteQuietly(blobKey);
            throw new ApiException(ProblemType.STALE_LEASE, "the lease token is not the current lease of job " + jobId
                    + " (expired, re-leased or finished while uploading); the upload was discarded");
        }
    }

    void deleteQuietly(String key) {
        try {
            blobs.delete(key);
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete blob {} (the cleanup sweeper will): {}", key, e.toString());
        }
    }
}
