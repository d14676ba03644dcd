package dev.forge3d.api.limits;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The limits of a tenant: its {@code tenant_limits} row over the {@code forge3d.limits.*} defaults. Rows are cached
 * for {@code override-cache-ttl}, so a changed override takes effect on every replica within that time without a
 * query on every request.
 */
@Component
public class TenantLimitsLookup {
    private record Cached(TenantLimits limits, long expiresAtNanos) {}

    private static final int MAX_CACHED = 100_000;

    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final LimitProperties props;

    public TenantLimitsLookup(JdbcClient jdbc, LimitProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    public TenantLimits limitsOf(UUID tenant) {
        long now = System.nanoTime();
        Cached c = cache.get(tenant);
        if (c != null && now - c.expiresAtNanos() < 0) return c.limits();
        TenantLimits limits = load(tenant);
        if (cache.size() >= MAX_CACHED) cache.clear();
        cache.put(tenant, new Cached(limits, now + props.overrideCacheTtl().toNanos()));
        return limits;
    }

    private TenantLimits load(UUID tenant) {
        TenantLimits d = props.defaults();
        return jdbc.sql("""
                        select requests_per_second, burst, max_queued_jobs, max_running_jobs, max_stored_bytes,
                               max_event_streams
                          from tenant_limits where tenant_id = :tenant""")
                .param("tenant", tenant)
                .query((rs, n) -> new TenantLimits(
                        orDefault(rs.getObject("requests_per_second", Long.class), d.requestsPerSecond()),
                        orDefault(rs.getObject("burst", Long.class), d.burst()),
                        orDefault(rs.getObject("max_queued_jobs", Integer.class), d.maxQueuedJobs()),
                        orDefault(rs.getObject("max_running_jobs", Integer.class), d.maxRunningJobs()),
                        orDefault(rs.getObject("max_stored_bytes", Long.class), d.maxStoredBytes()),
                        orDefault(rs.getObject("max_event_streams", Integer.class), d.maxEventStreams())))
                .optional().orElse(d);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
