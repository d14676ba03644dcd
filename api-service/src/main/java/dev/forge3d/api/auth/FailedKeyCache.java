package dev.forge3d.api.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key hashes that matched no valid key, remembered for a short time so that a client retrying a wrong key (or a
 * flood of them) does not reach the database on every request. Bounded: when full, expired entries are purged (at
 * most once a second, so a full cache costs no scan per request) and new misses are not remembered until there is
 * room again.
 */
final class FailedKeyCache {
    private final ConcurrentHashMap<String, Long> expiresAtNanos = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private volatile long lastPurgeNanos = System.nanoTime();

    FailedKeyCache(Duration ttl, int maxEntries) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    /** Whether {@code hash} failed within the TTL. */
    boolean failedRecently(String hash) {
        Long until = expiresAtNanos.get(hash);
        if (until == null) return false;
        if (System.nanoTime() - until < 0) return true;
        expiresAtNanos.remove(hash, until);
        return false;
    }

    void remember(String hash) {
        if (ttlNanos <= 0 || maxEntries <= 0) return;
        long now = System.nanoTime();
        if (expiresAtNanos.size() >= maxEntries) {
            if (now - lastPurgeNanos > 1_000_000_000L) {
                lastPurgeNanos = now;
                expiresAtNanos.values().removeIf(until -> now - until >= 0);
            }
            if (expiresAtNanos.size() >= maxEntries) return;
        }
        expiresAtNanos.put(hash, now + ttlNanos);
    }

    void forget(String hash) {
        expiresAtNanos.remove(hash);
    }

    int size() {
        return expiresAtNanos.size();
    }
}
