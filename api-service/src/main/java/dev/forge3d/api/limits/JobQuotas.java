package dev.forge3d.api.limits;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The quotas checked when a tenant creates a job: QUEUED jobs, and bytes stored (inputs of all its jobs plus
 * their artifacts, every attempt) including the new job's inputs. Must run inside the creating transaction: it
 * takes a per-tenant transaction lock first, so two concurrent creations cannot both squeeze under a quota.
 * (RUNNING jobs are kept within their quota by the claim query instead: extra jobs wait in the queue.)
 */
@Component
public class JobQuotas {
    /** Queued jobs leave the queue as workers take them: worth retrying soon. */
    static final long QUEUED_RETRY_AFTER_SECONDS = 10;
    /** Stored bytes shrink only when jobs are deleted: no point retrying soon. */
    static final long STORED_RETRY_AFTER_SECONDS = 3600;

    private final JdbcClient jdbc;
    private final TenantLimitsLookup limits;
    private final LimitProperties props;

    public JobQuotas(JdbcClient jdbc, TenantLimitsLookup limits, LimitProperties props) {
        this.jdbc = jdbc;
        this.limits = limits;
        this.props = props;
    }

    /** Throws {@link QuotaExceededException} when one more job with {@code newInputBytes} of inputs is too many. */
    public void checkCanCreate(UUID tenant, long newInputBytes) {
        if (!props.enabled()) return;
        TenantLimits l = limits.limitsOf(tenant);
        jdbc.sql("select 1 from pg_advisory_xact_lock(:key)")
                .param("key", lockKey(tenant)).query(Integer.class).single();
        long queued = jdbc.sql("select count(*) from jobs where tenant_id = :tenant and state = 'QUEUED'")
                .param("tenant", tenant).query(Long.class).single();
        if (queued >= l.maxQueuedJobs()) {
            throw new QuotaExceededException("this tenant has " + queued + " queued jobs; the limit is "
                    + l.maxQueuedJobs(), QUEUED_RETRY_AFTER_SECONDS);
        }
        long stored = jdbc.sql("""
                        select (select coalesce(sum(i.size), 0) from job_inputs i join jobs j on j.id = i.job_id
                                 where j.tenant_id = :tenant)
                             + (select coalesce(sum(a.size), 0) from artifacts a join jobs j on j.id = a.job_id
                                 where j.tenant_id = :tenant)""")
                .param("tenant", tenant).query(Long.class).single();
        if (stored + newInputBytes > l.maxStoredBytes()) {
            throw new QuotaExceededException("this tenant stores " + stored + " bytes; with this job's "
                    + newInputBytes + " bytes of inputs that is over the limit of " + l.maxStoredBytes(),
                    STORED_RETRY_AFTER_SECONDS);
        }
    }

    /** The tenant's transaction-lock key: a 64-bit FNV-1a hash (a collision only makes two tenants share a lock). */
    static long lockKey(UUID tenant) {
        String id = "job-quota:" + tenant;
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
