package dev.forge3d.api.cleanup;

import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Deletes finished jobs: a tenant's {@code DELETE /v1/jobs/{id}}, and jobs past their retention period. The row
 * goes first (its inputs, artifacts and checkpoints rows cascade), then the blobs under {@code jobs/<id>/}: a crash
 * in between leaves blobs without a job, which the {@link OrphanSweeper} removes, never a job without its files.
 */
@Service
public class JobDeletion {
    private static final Logger log = LoggerFactory.getLogger(JobDeletion.class);
    private static final String FINISHED = "('SUCCEEDED', 'FAILED', 'CANCELED')";

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final RetentionProperties retention;

    public JobDeletion(JdbcClient jdbc, BlobStore blobs, RetentionProperties retention) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.retention = retention;
    }

    /**
     * Deletes the tenant's finished job with its files. 404 when the tenant has no such job (another tenant's, or
     * already deleted); 409 job-not-finished when it is QUEUED or RUNNING (cancel it first, then delete).
     */
    public void delete(TenantId tenant, UUID id) {
        // Twice at most: a job that finishes between the delete and the state read is deleted on the second try.
        for (int tries = 0; tries < 2; tries++) {
            int deleted = jdbc.sql("delete from jobs where id = :id and tenant_id = :tenant and state in " + FINISHED)
                    .param("id", id).param("tenant", tenant.value()).update();
            if (deleted == 1) {
                deleteBlobs(id);
                return;
            }
            var state = jdbc.sql("select state from jobs where id = :id and tenant_id = :tenant")
                    .param("id", id).param("tenant", tenant.value()).query(String.class).optional();
            if (state.isEmpty()) throw new ApiException(ProblemType.NOT_FOUND, "no job " + id);
            if (state.get().equals("QUEUED") || state.get().equals("RUNNING")) {
                throw new ApiException(ProblemType.JOB_NOT_FINISHED, "job " + id + " is " + state.get()
                        + "; cancel it (POST /v1/jobs/" + id + "/cancel) and delete it once it is CANCELED");
            }
        }
        throw new ApiException(ProblemType.SERVICE_UNAVAILABLE, "job " + id + " changed while being deleted; retry");
    }

    /** Deletes up to {@code batch} finished jobs past their tenant's retention period; returns how many. */
    public int deleteExpired(int batch) {
        List<UUID> ids = jdbc.sql("""
                delete from jobs where id in (
                    select j.id from jobs j join tenants t on t.id = j.tenant_id
                     where j.state in ('SUCCEEDED', 'FAILED', 'CANCELED')
                       and coalesce(t.retention_days, :defaultDays) > 0
                       and j.finished_at < now() - make_interval(days => coalesce(t.retention_days, :defaultDays))
                     limit :batch
                     for update of j skip locked)
                returning id""")
                .param("defaultDays", retention.defaultDays()).param("batch", batch)
                .query(UUID.class).list();
        for (UUID id : ids) {
            log.info("job {} deleted: past its retention period", id);
            deleteBlobs(id);
        }
        return ids.size();
    }

    private void deleteBlobs(UUID id) {
        try {
            blobs.deletePrefix(BlobKeys.jobPrefix(id));
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete the files of deleted job {} (the cleanup sweeper will): {}", id, e.toString());
        }
    }
}
