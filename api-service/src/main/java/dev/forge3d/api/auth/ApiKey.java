package dev.forge3d.api.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An API key as stored: its SHA-256 hash and a short prefix to recognise it by, never the key itself. */
@Entity
@Table(name = "api_keys")
public class ApiKey {
    @Id
    private UUID id;
    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;
    @Column(name = "key_hash", nullable = false, unique = true)
    private String keyHash;
    @Column(name = "key_prefix", nullable = false)
    private String keyPrefix;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKey() {}

    public ApiKey(UUID id, UUID tenantId, String keyHash, String keyPrefix, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.keyHash = keyHash;
        this.keyPrefix = keyPrefix;
        this.createdAt = createdAt;
    }

    public UUID getId() { return id; }

    public UUID getTenantId() { return tenantId; }

    public String getKeyHash() { return keyHash; }

    public String getKeyPrefix() { return keyPrefix; }

    public Instant getRevokedAt() { return revokedAt; }

    public void revoke(Instant at) { this.revokedAt = at; }
}
