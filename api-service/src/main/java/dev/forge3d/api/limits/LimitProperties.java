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

    /** Refuses settings that would fail every request later (checked at start-up). */
    public LimitProperties {
        if (requestsPerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("forge3d.limits.requests-per-second and burst must be at least 1");
        }
        if (maxQueuedJobs < 0 || maxRunningJobs < 0 || maxEventStreams < 0 || maxStoredBytes == null
                || maxStoredBytes.isNegative()) {
            throw new IllegalArgumentException("forge3d.limits.max-* must be set and not negative");
        }
        if (overrideCacheTtl == null || bucketSweepInterval == null || !bucketSweepInterval.isPositive()) {
            throw new IllegalArgumentException("forge3d.limits.override-cache-ttl and bucket-sweep-interval must be set");
        }
    }

    public TenantLimits defaults() {
        return new TenantLimits(requestsPerSecond, burst, maxQueuedJobs, maxRunningJobs,
                maxStoredBytes.toBytes(), maxEventStreams);
    }
}
