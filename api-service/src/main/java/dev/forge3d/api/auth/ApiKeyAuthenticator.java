package dev.forge3d.api.auth;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Resolves a presented API key to its tenant, caching verified hashes so most requests skip the database. */
@Component
public class ApiKeyAuthenticator {
    private record Cached(UUID tenantId, long expiresAtNanos) {}

    private static final int MAX_CACHED = 10_000;
    private final ApiKeyRepository keys;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyAuthenticator(ApiKeyRepository keys, AuthProperties props) {
        this.keys = keys;
        this.ttlNanos = props.keyCacheTtl().toNanos();
    }

    public Optional<UUID> tenantFor(String presentedKey) {
        String hash = ApiKeys.hash(presentedKey);
        long now = System.nanoTime();
        Cached c = cache.get(hash);
        if (c != null && now - c.expiresAtNanos < 0) return Optional.of(c.tenantId);
        Optional<UUID> tenant = keys.findByKeyHash(hash)
                .filter(k -> k.getRevokedAt() == null)
                .map(ApiKey::getTenantId);
        if (tenant.isPresent()) {
            if (cache.size() >= MAX_CACHED) cache.clear();
            cache.put(hash, new Cached(tenant.get(), now + ttlNanos));
        } else {
            cache.remove(hash);
        }
        return tenant;
    }
}
