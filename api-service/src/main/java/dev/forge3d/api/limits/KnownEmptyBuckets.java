package dev.forge3d.api.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets this replica has seen empty, with the time of their next token. Until then a refusal needs no database
 * round trip: a bucket only gains tokens by refill at its fixed rate (other replicas can only take), so no token can
 * exist earlier. This keeps a tenant hammering far above its rate from loading the database, and so from slowing
 * other tenants.
 */
final class KnownEmptyBuckets {
    /** Trust the memo until this long before the next token (the bucket's clock has millisecond resolution). */
    private static final long MARGIN_NANOS = 2_000_000;
    private static final int MAX_ENTRIES = 100_000;

    private record Empty(long nextTokenAtNanos, long fullAtNanos) {}

    private final Map<String, Empty> empty = new ConcurrentHashMap<>();

    /** The refusal for a bucket known to be empty now, or null when the database must be asked. */
    RateDecision refusalIfKnownEmpty(String bucketId) {
        Empty e = empty.get(bucketId);
        if (e == null) return null;
        long now = System.nanoTime();
        if (e.nextTokenAtNanos() - MARGIN_NANOS - now <= 0) {
            empty.remove(bucketId, e);
            return null;
        }
        return new RateDecision(false, 0, e.nextTokenAtNanos() - now, Math.max(0, e.fullAtNanos() - now));
    }

    /** Records what the database answered. */
    void remember(String bucketId, RateDecision decision) {
        if (decision.allowed()) {
            empty.remove(bucketId);
            return;
        }
        if (empty.size() >= MAX_ENTRIES) empty.clear();
        long now = System.nanoTime();
        empty.put(bucketId, new Empty(now + decision.nanosToNextToken(), now + decision.nanosToFull()));
    }
}
