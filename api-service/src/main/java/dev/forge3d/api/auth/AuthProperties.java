package dev.forge3d.api.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.auth.*}: {@code bootstrap-api-key} (env FORGE3D_API_KEY) is registered at start-up for tenant
 * {@code bootstrap-tenant}; verified keys are cached for {@code key-cache-ttl} (also the longest a revoked key
 * keeps working on a replica).
 */
@ConfigurationProperties("forge3d.auth")
public record AuthProperties(String bootstrapApiKey, String bootstrapTenant, Duration keyCacheTtl) {}
