package dev.forge3d.api.auth;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Creates tenants and issues their API keys. */
@Service
public class TenantService {
    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final ApiKeyAuthenticator authenticator;

    public TenantService(TenantRepository tenants, ApiKeyRepository keys, ApiKeyAuthenticator authenticator) {
        this.tenants = tenants;
        this.keys = keys;
        this.authenticator = authenticator;
    }

    /** A tenant and a freshly generated key; the key is returned once and only its hash is kept. */
    public record IssuedKey(UUID tenantId, String apiKey) {}

    @Transactional
    public IssuedKey createTenant(String name) {
        Tenant t = tenants.save(new Tenant(UUID.randomUUID(), name, now()));
        String key = ApiKeys.generate();
        registerKey(t.getId(), key);
        return new IssuedKey(t.getId(), key);
    }

    /** Finds or creates the named tenant and makes sure {@code key} is one of its keys. */
    @Transactional
    public UUID ensureTenantWithKey(String name, String key) {
        Tenant t = tenants.findByName(name).orElseGet(() -> tenants.save(new Tenant(UUID.randomUUID(), name, now())));
        var existing = keys.findByKeyHash(ApiKeys.hash(key));
        if (existing.isPresent()) {
            if (!existing.get().getTenantId().equals(t.getId())) {
                throw new IllegalStateException("the configured API key belongs to another tenant");
            }
        } else {
            registerKey(t.getId(), key);
        }
        return t.getId();
    }

    @Transactional
    public void registerKey(UUID tenantId, String key) {
        if (key.length() < 16) throw new IllegalArgumentException("an API key needs at least 16 characters");
        String hash = ApiKeys.hash(key);
        keys.save(new ApiKey(UUID.randomUUID(), tenantId, hash, ApiKeys.displayPrefix(key), now()));
        // After the commit: cleared earlier, a request racing the commit could remember the miss again.
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    authenticator.forgetFailedLookup(hash);
                }
            });
        } else {
            authenticator.forgetFailedLookup(hash);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
