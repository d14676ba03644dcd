package dev.forge3d.api.queue;

import dev.forge3d.api.limits.LimitProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The job queue's state transitions, each a single SQL statement so it is atomic without an explicit transaction.
 * Every worker-side transition is fenced: it matches only {@code state = 'RUNNING' and lease_token = ?} with an
 * unexpired lease, so a stale worker's call matches no row and changes nothing.
 */
@Component
public class JobQueue {
    public static final String CHANNEL = "forge3d_queue";

    private final JdbcClient jdbc;
    private final LimitProperties limits;

    public JobQueue(JdbcClient jdbc, LimitProperties limits) {
        this.jdbc = jdbc;
        this.limits = limits;
    }

    /** {@link #claim(Collection, String, int, WorkerCapacity)} for a worker without limits. */
    public Optional<Lease> claim(Collection<String> types, String workerId, int leaseSeconds) {
        return claim(types, workerId, leaseSeconds, WorkerCapacity.ANY);
    }

    /**
     * Claims the oldest highest-priority QUEUED job of one of {@code types} whose requirements {@code capacity}
     * meets (memory, GPU) and whose tenant is below its running-jobs quota: locks it with SKIP LOCKED (so
     * concurrent claimers never wait on or take the same row), bumps the attempt and takes a new fencing token.
     * The quota is counted without a lock, so claims at the same instant may each pass it (one over per claimer).
     */
    public Optional<Lease> claim(Collection<String> types, String workerId, int leaseSeconds,
            WorkerCapacity capacity) {
        return jdbc.sql("""
                with next as (
                    select q.id from jobs q
                     where q.state = 'QUEUED' and q.type = any(string_to_array(:types, ','))
                       and q.min_memory_bytes <= :memoryBytes and (:gpu or not q.requires_gpu)
                       -- the tenant's running-jobs quota (tenant_limits over the default): beyond it, jobs wait
                       and (not :limited or (select count(*) from jobs r
                                              where r.tenant_id = q.tenant_id and r.state = 'RUNNING')
                            < coalesce((select l.max_running_jobs from tenant_limits l
                                         where l.tenant_id = q.tenant_id), :maxRunning))
                     order by q.priority desc, q.created_at, q.id
                     limit 1
                     for update skip locked)
                update jobs j
                   set state = 'RUNNING', attempt = j.attempt + 1, lease_token = nextval('lease_tokens'),
                       lease_seconds = :leaseSeconds, lease_expires_at = now() + make_interval(secs => :leaseSeconds),
                       worker_id = :workerId, started_at = coalesce(j.started_at, now()), updated_at = now(),
                       stage = null, progress = 0, eta_seconds = null, message = null
                  from next
                 where j.id = next.id
                returning j.id, j.type, j.attempt, j.lease_token, j.lease_expires_at, j.lease_seconds,
                          j.params::text as params, j.trace_parent,
                          (select coalesce(json_agg(json_build_object('name', i.name, 'size', i.size,
                                  'sha256', i.sha256, 'mediaType', i.media_type) order by i.name), '[]'::json)
                             from job_inputs i where i.job_id = j.id)::text as inputs""")
                .param("types", String.join(",", types))
                .param("leaseSeconds", leaseSeconds)
                .param("workerId", workerId)
                .param("memoryBytes", capacity.memoryBytes()).param("gpu", capacity.gpu())
                .param("limited", limits.enabled()).param("maxRunning", limits.maxRunningJobs())
                .query((rs, n) -> new Lease(rs.getObject("id", UUID.class), rs.getString("type"), rs.getInt("attempt"),
                        rs.getLong("lease_token"), instant(rs, "lease_expires_at"), rs.getInt("lease_seconds"),
                        rs.getString("params"), rs.getString("inputs"), rs.getString("trace_parent")))
                .optional();
    }

    public record HeartbeatResult(boolean cancelRequested, Instant leaseExpiresAt) {}

    /** Extends the lease by its length and records progress; empty when the token is stale. */
    public Optional<HeartbeatResult> heartbeat(UUID jobId, long token, String stage, Double progress, Double eta,
            String message) {
        return jdbc.sql("""
                update jobs
                   set lease_expires_at = now() + make_interval(secs => lease_seconds),
                       stage = coalesce(:stage, stage), progress = coalesce(:progress, progress),
                       eta_seconds = :eta, message = :message, updated_at = now()
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()
                returning cancel_requested, lease_expires_at""")
                .param("stage", stage).param("progress", progress).param("eta", eta).param("message", message)
                .param("id", jobId).param("token", token)
                .query((rs, n) -> new HeartbeatResult(rs.getBoolean("cancel_requested"),
                        instant(rs, "lease_expires_at")))
                .optional();
    }

    /** The attempt the token belongs to, if it is the job's current, unexpired lease. */
    public OptionalInt currentAttempt(UUID jobId, long token) {
        List<Integer> r = jdbc.sql("""
                select attempt from jobs
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()""")
                .param("id", jobId).param("token", token)
                .query(Integer.class).list();
        return r.isEmpty() ? OptionalInt.empty() : OptionalInt.of(r.getFirst());
    }

    /**
     * Like {@link #currentAttempt}, but locks the job row FOR SHARE until the caller's transaction ends: a complete,
     * fail, cancel acknowledgement or lease expiry (each an UPDATE of the row) waits for that transaction, so a row
     * the caller records after this check belongs to a lease that was valid when it committed. Call it inside the
     * transaction that writes the row.
     */
    public OptionalInt lockCurrentAttempt(UUID jobId, long token) {
        List<Integer> r = jdbc.sql("""
                select attempt from jobs
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()
                   for share""")
                .param("id", jobId).param("token", token)
                .query(Integer.class).list();
        return r.isEmpty() ? OptionalInt.empty() : OptionalInt.of(r.getFirst());
    }

    /**
     * SUCCEEDED, and this attempt's artifacts become the job's artifacts: {@code published_attempt} flips in the
     * same statement, so readers see either no artifacts or exactly this attempt's set. Cancel wins: when a cancel
     * was accepted (cancel_requested) the job ends CANCELED instead and nothing is published. Both run on the row
     * version a concurrent cancel left (PostgreSQL re-reads a row updated under it), so there is no window between
     * the cancel's 202 and this statement. Returns the new state, empty when the token is stale.
     */
    public Optional<String> complete(UUID jobId, long token, String metricsJson) {
        return jdbc.sql("""
                update jobs
                   set state = case when cancel_requested then 'CANCELED' else 'SUCCEEDED' end,
                       published_attempt = case when cancel_requested then published_attempt else attempt end,
                       metrics = cast(:metrics as jsonb),
                       progress = case when cancel_requested then progress else 1 end,
                       eta_seconds = case when cancel_requested then eta_seconds else 0 end,
                       lease_expires_at = null, finished_at = now(), updated_at = now()
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()
                returning state""")
                .param("metrics", metricsJson).param("id", jobId).param("token", token)
                .query(String.class).optional();
    }

    /**
     * FAILED, or QUEUED again when retryable and attempts remain; CANCELED whenever a cancel was accepted (cancel
     * wins over a retry). Returns the new state, empty when stale.
     */
    public Optional<String> fail(UUID jobId, long token, String reason, boolean retryable) {
        return jdbc.sql("""
                update jobs
                   set state = case when cancel_requested then 'CANCELED'
                                    when :retryable and attempt < max_attempts then 'QUEUED' else 'FAILED' end,
                       error_type = case when cancel_requested then error_type else 'job-failed' end,
                       error_title = case when cancel_requested then error_title else 'Job failed' end,
                       error_detail = case when cancel_requested then error_detail else :reason end,
                       finished_at = case when not cancel_requested and :retryable and attempt < max_attempts
                                          then null else now() end,
                       message = case when cancel_requested then 'canceled; the worker stopped with: ' || :reason
                                      when :retryable and attempt < max_attempts
                                      then 'attempt ' || attempt || ' failed, will retry: ' || :reason else message end,
                       lease_expires_at = null, worker_id = null, updated_at = now()
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()
                returning state""")
                .param("retryable", retryable).param("reason", reason).param("id", jobId).param("token", token)
                .query(String.class).optional();
    }

    public enum CancelAck { CANCELED, STALE, NOT_REQUESTED }

    /** The worker stopped after a cancel request: CANCELED. */
    public CancelAck acknowledgeCancel(UUID jobId, long token) {
        List<Boolean> r = jdbc.sql("""
                update jobs
                   set state = case when cancel_requested then 'CANCELED' else state end,
                       finished_at = case when cancel_requested then now() else finished_at end,
                       lease_expires_at = case when cancel_requested then null else lease_expires_at end,
                       updated_at = now()
                 where id = :id and state = 'RUNNING' and lease_token = :token and lease_expires_at > now()
                returning cancel_requested""")
                .param("id", jobId).param("token", token).query(Boolean.class).list();
        if (r.isEmpty()) return CancelAck.STALE;
        return r.getFirst() ? CancelAck.CANCELED : CancelAck.NOT_REQUESTED;
    }

    /**
     * A client's cancel: a QUEUED job is CANCELED at once; a RUNNING one is flagged and its worker told at the
     * next heartbeat. Returns the state after the update, empty when the job is not QUEUED or RUNNING.
     */
    public Optional<String> requestCancel(UUID jobId, UUID tenantId) {
        return jdbc.sql("""
                update jobs
                   set cancel_requested = true,
                       state = case when state = 'QUEUED' then 'CANCELED' else state end,
                       finished_at = case when state = 'QUEUED' then now() else finished_at end,
                       updated_at = now()
                 where id = :id and tenant_id = :tenant and state in ('QUEUED', 'RUNNING')
                returning state""")
                .param("id", jobId).param("tenant", tenantId).query(String.class).optional();
    }

    public record Expired(UUID jobId, String newState) {}

    /**
     * Leases that ran out: back to QUEUED (the next claim makes attempt+1 with a new token, so the old token is
     * dead), FAILED after the last attempt, or CANCELED when a cancel was pending.
     */
    public List<Expired> expireLeases(int batch) {
        return jdbc.sql("""
                with expired as (
                    select id from jobs
                     where state = 'RUNNING' and lease_expires_at < now()
                     order by lease_expires_at
                     limit :batch
                     for update skip locked)
                update jobs j
                   set state = case when j.cancel_requested then 'CANCELED'
                                    when j.attempt >= j.max_attempts then 'FAILED' else 'QUEUED' end,
                       error_type = case when not j.cancel_requested and j.attempt >= j.max_attempts
                                         then 'lease-expired' else j.error_type end,
                       error_title = case when not j.cancel_requested and j.attempt >= j.max_attempts
                                          then 'Lease expired' else j.error_title end,
                       error_detail = case when not j.cancel_requested and j.attempt >= j.max_attempts
                                           then 'lease expired ' || j.attempt || ' times; the worker stopped reporting'
                                           else j.error_detail end,
                       message = case when not j.cancel_requested and j.attempt < j.max_attempts
                                      then 'lease of attempt ' || j.attempt || ' expired (worker ' ||
                                           coalesce(j.worker_id, '?') || ' stopped reporting); queued again'
                                      else j.message end,
                       finished_at = case when j.cancel_requested or j.attempt >= j.max_attempts then now() end,
                       lease_expires_at = null, worker_id = null, updated_at = now()
                  from expired
                 where j.id = expired.id
                returning j.id, j.state""")
                .param("batch", batch)
                .query((rs, n) -> new Expired(rs.getObject("id", UUID.class), rs.getString("state")))
                .list();
    }

    /** Tells every API replica's waiting lease requests that work arrived (delivered when the transaction commits). */
    public void notifyQueued(String type) {
        jdbc.sql("select pg_notify('" + CHANNEL + "', :type)").param("type", type).query(String.class).optional();
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
