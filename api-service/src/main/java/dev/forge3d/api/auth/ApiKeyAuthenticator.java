package dev.forge3d.api.auth;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Resolves a presented API key to its tenant, caching verified hashes so most requests skip the database, and
 * remembering failed ones briefly ({@link FailedKeyCache}) so repeated wrong keys do not reach it either.
 */
@Component
public class ApiKeyAuthenticator {
    private record Cached(UUID tenantId, long expiresAtNanos) {}

    private static final int MAX_CACHED = 10_000;
    private final ApiKeyRepository keys;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final FailedKeyCache failed;
    private final AtomicLong databaseLookups = new AtomicLong();

    public ApiKeyAuthenticator(ApiKeyRepository keys, AuthProperties props) {
        this.keys = keys;
        this.ttlNanos = props.keyCacheTtl().toNanos();
        this.failed = new FailedKeyCache(props.failedKeyCacheTtl(), props.failedKeyCacheSize());
    }

    public Optional<UUID> tenantFor(String presentedKey) {
        String hash = ApiKeys.hash(presentedKey);
        long now = System.nanoTime();
        Cached c = cache.get(hash);
        if (c != null && now - c.expiresAtNanos < 0) return Optional.of(c.tenantId);
        if (failed.failedRecently(hash)) return Optional.empty();
        databaseLookups.incrementAndGet();
        Optional<UUID> tenant = keys.findByKeyHash(hash)
                .filter(k -> k.getRevokedAt() == null)
                .map(ApiKey::getTenantId);
        if (tenant.isPresent()) {
            if (cache.size() >= MAX_CACHED) cache.clear();
            cache.put(hash, new Cached(tenant.get(), now + ttlNanos));
        } else {
            cache.remove(hash);
            failed.remember(hash);
        }
        return tenant;
    }

    /** A key was just registered: a miss remembered for it must not keep refusing it (TenantService). */
    void forgetFailedLookup(String keyHash) {
        failed.forget(keyHash);
    }

    /** How many lookups reached the database (both caches missed); for tests and diagnostics. */
    public long databaseLookups() {
        return databaseLookups.get();
    }
}
