package dev.forge3d.api.limits;

/** The limits in force for one tenant: the defaults, each replaced by the tenant's override where it has one. */
public record TenantLimits(long requestsPerSecond, long burst, int maxQueuedJobs, int maxRunningJobs,
        long maxStoredBytes, int maxEventStreams) {}
