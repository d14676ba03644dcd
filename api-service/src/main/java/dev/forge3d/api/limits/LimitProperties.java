package dev.forge3d.api.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code forge3d.limits.*}: the default limits of every tenant (a row in {@code tenant_limits} overrides them per
 * tenant). {@code requestsPerSecond} and {@code burst} shape the token bucket of tenant API calls; the quotas are
 * checked when a job is created (queued jobs, stored bytes), when a worker claims one (running jobs) and when an
 * event stream opens (per replica). {@code overrideCacheTtl}: how long a tenant's override is cached.
 */
@ConfigurationProperties("forge3d.limits")
public record LimitProperties(boolean enabled, long requestsPerSecond, long burst, int maxQueuedJobs,
        int maxRunningJobs, DataSize maxStoredBytes, int maxEventStreams, Duration overrideCacheTtl,
        Duration bucketSweepInterval) {

    public TenantLimits defaults() {
        return new TenantLimits(requestsPerSecond, Math.max(burst, 1), maxQueuedJobs, maxRunningJobs,
                maxStoredBytes.toBytes(), maxEventStreams);
    }
}
