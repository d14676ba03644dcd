package dev.forge3d.api.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Per-tenant token buckets for API calls, kept by Bucket4j in PostgreSQL ({@code rate_limit_buckets}) so every API
 * replica takes from the same bucket: each take is one short transaction that locks the bucket's row (select for
 * update, then update: three round trips; Bucket4j's advisory-lock variant needs four).
 * The bucket id holds the rate and burst, so a changed limit starts a fresh (full) bucket and the old row expires.
 * A bucket seen empty is refused locally until its next token is due ({@link KnownEmptyBuckets}).
 */
@Component
public class RateLimitBuckets {
    /** Full buckets are kept this long after they refilled, then swept ({@link ExpiredBucketSweeper}). */
    private static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);
    private static final int MAX_CACHED_PROXIES = 100_000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    // One proxy per bucket: Bucket4j's batching joins concurrent takes on the same proxy into one transaction.
    private final Map<String, BucketProxy> proxies = new ConcurrentHashMap<>();
    private final KnownEmptyBuckets knownEmpty = new KnownEmptyBuckets();

    public RateLimitBuckets(DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build();
    }

    /** Takes one token from the tenant's bucket for these limits. */
    public RateDecision take(UUID tenant, TenantLimits limits) {
        String id = tenant + ":" + limits.requestsPerSecond() + ":" + limits.burst();
        RateDecision known = knownEmpty.refusalIfKnownEmpty(id);
        if (known != null) return known;
        BucketProxy bucket = proxies.get(id);
        if (bucket == null) {
            if (proxies.size() >= MAX_CACHED_PROXIES) proxies.clear();
            bucket = proxies.computeIfAbsent(id, k -> buckets.builder()
                    .withOptimization(Optimizations.batching())
                    .build(k, () -> configuration(limits)));
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        RateDecision decision = new RateDecision(probe.isConsumed(), probe.getRemainingTokens(),
                probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill(), probe.getNanosToWaitForReset());
        knownEmpty.remember(id, decision);
        return decision;
    }

    /** Drops up to {@code batch} buckets that have been full for a while; returns how many. */
    public int removeExpired(int batch) {
        return buckets.removeExpired(batch);
    }

    private static BucketConfiguration configuration(TenantLimits limits) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limits.burst())
                        .refillGreedy(limits.requestsPerSecond(), Duration.ofSeconds(1)).build())
                .build();
    }
}
