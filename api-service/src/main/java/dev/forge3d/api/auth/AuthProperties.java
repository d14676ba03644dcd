package dev.forge3d.api.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forge3d.auth.*}: {@code bootstrap-api-key} (env FORGE3D_API_KEY) is registered at start-up for tenant
 * {@code bootstrap-tenant}; verified keys are cached for {@code key-cache-ttl} (also the longest a revoked key
 * keeps working on a replica); keys that matched nothing are remembered for {@code failed-key-cache-ttl}, at most
 * {@code failed-key-cache-size} of them (also the longest a key created on another replica is refused here).
 */
@ConfigurationProperties("forge3d.auth")
public record AuthProperties(String bootstrapApiKey, String bootstrapTenant, Duration keyCacheTtl,
        @DefaultValue("5s") Duration failedKeyCacheTtl, @DefaultValue("10000") int failedKeyCacheSize) {}
