package dev.forge3d.api.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLadvisoryLockBasedProxyManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Per-tenant token buckets for API calls, kept by Bucket4j in PostgreSQL ({@code rate_limit_buckets}) so every API
 * replica takes from the same bucket: each take is one short transaction under an advisory lock on the bucket.
 * The bucket id holds the rate and burst, so a changed limit starts a fresh (full) bucket and the old row expires.
 * A bucket seen empty is refused locally until its next token is due ({@link KnownEmptyBuckets}).
 */
@Component
public class RateLimitBuckets {
    /** Full buckets are kept this long after they refilled, then swept ({@link ExpiredBucketSweeper}). */
    private static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);
    private static final int MAX_CACHED_PROXIES = 100_000;

    private final PostgreSQLadvisoryLockBasedProxyManager<String> buckets;
    // One proxy per bucket: Bucket4j's batching joins concurrent takes on the same proxy into one transaction.
    private final Map<String, BucketProxy> proxies = new ConcurrentHashMap<>();
    private final KnownEmptyBuckets knownEmpty = new KnownEmptyBuckets();

    public RateLimitBuckets(DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.advisoryLockBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .lockIdSupplier(RateLimitBuckets::lockId)
                .table("rate_limit_buckets").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .lockColumn("explicit_lock")
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

    /** The advisory-lock key of a bucket: a 64-bit FNV-1a hash of its id (a collision only shares a lock). */
    static long lockId(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
