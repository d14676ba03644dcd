package dev.forge3d.api.webhooks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.webhooks.*}: whether callback URLs may reach loopback, link-local and private addresses
 * ({@code FORGE3D_WEBHOOKS_ALLOW_PRIVATE}, off by default; tests and local development turn it on); how often
 * the dispatcher looks for due messages and how many it sends at once; the delays between attempts (the last one
 * repeats) and how long after the event it keeps trying (at least this long: the attempt that gives up comes
 * after it); how long a claimed message stays claimed (longer than connect + read timeouts, so only a dead
 * replica's claim runs out); the HTTP timeouts; URL and endpoint bounds; how long the previous secret still signs
 * after a rotation.
 */
@ConfigurationProperties("forge3d.webhooks")
public record WebhookProperties(boolean allowPrivate, Duration pollInterval, int batchSize, List<Duration> retryDelays,
        Duration giveUpAfter, Duration claimTimeout, Duration connectTimeout, Duration readTimeout, int maxUrlLength,
        int maxEndpointsPerTenant, Duration previousSecretGrace) {

    public WebhookProperties {
        if (retryDelays == null || retryDelays.isEmpty()) throw new IllegalArgumentException(
                "forge3d.webhooks.retry-delays needs at least one delay");
        retryDelays = List.copyOf(retryDelays);
    }

    /**
     * When to try again after attempt number {@code attempt} failed at {@code failedAt}, or null to give up: attempts
     * go on until {@code giveUpAfter} has passed since the event, so the last one comes at or after it.
     */
    public java.time.Instant nextAttempt(java.time.Instant eventAt, java.time.Instant failedAt, int attempt) {
        if (!failedAt.isBefore(eventAt.plus(giveUpAfter))) return null;
        return failedAt.plus(delayAfter(attempt));
    }

    /** The delay after failed attempt number {@code attempt} (1-based); the last configured delay repeats. */
    public Duration delayAfter(int attempt) {
        return retryDelays.get(Math.min(Math.max(attempt, 1), retryDelays.size()) - 1);
    }
}
