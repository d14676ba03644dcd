package dev.forge3d.api.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.stream-tokens.*}: how long a stream token is accepted, and the HMAC secret (env
 * FORGE3D_STREAM_TOKEN_SECRET). Without a secret it is derived from the worker token, which every API replica
 * already shares, so a token issued by one replica is accepted by all.
 */
@ConfigurationProperties("forge3d.stream-tokens")
public record StreamTokenProperties(Duration ttl, String secret) {
    public StreamTokenProperties {
        if (ttl == null) ttl = Duration.ofMinutes(5);
    }
}
