package dev.forge3d.api.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.queue.*}: lease length (default, and the bounds a worker may ask for), the longest long-poll,
 * attempts before a job FAILs, the fallback poll interval of waiting lease requests (LISTEN/NOTIFY normally wakes
 * them at once), how often expired leases are swept, and whether to LISTEN at all.
 */
@ConfigurationProperties("forge3d.queue")
public record QueueProperties(int defaultLeaseSeconds, int minLeaseSeconds, int maxLeaseSeconds, int maxWaitSeconds,
        int maxAttempts, Duration pollInterval, Duration sweepInterval, boolean listen) {

    public int clampLease(Integer requested) {
        int s = requested == null ? defaultLeaseSeconds : requested;
        return Math.max(minLeaseSeconds, Math.min(maxLeaseSeconds, s));
    }
}
