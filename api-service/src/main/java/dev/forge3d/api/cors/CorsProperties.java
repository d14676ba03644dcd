package dev.forge3d.api.cors;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.cors.*}: the origins whose pages may call the API from a browser (env FORGE3D_CORS_ALLOWED_ORIGINS,
 * comma-separated {@code scheme://host[:port]}, or {@code *} for any; default none), and how long a browser may
 * cache a preflight answer.
 */
@ConfigurationProperties("forge3d.cors")
public record CorsProperties(List<String> allowedOrigins, Duration maxAge) {
    public CorsProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(String::strip)
                .filter(o -> !o.isEmpty()).map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
                .map(o -> o.toLowerCase(Locale.ROOT)).toList();
        for (String o : allowedOrigins) {
            if (!o.equals("*") && !o.matches("https?://[a-z0-9.\\-\\[\\]:]+")) {
                throw new IllegalArgumentException("forge3d.cors.allowed-origins: '" + o
                        + "' is not an origin (scheme://host[:port], no path) or *");
            }
        }
        if (maxAge == null) maxAge = Duration.ofMinutes(10);
    }

    public boolean allows(String origin) {
        if (origin == null || allowedOrigins.isEmpty()) return false;
        return allowedOrigins.contains("*") || allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }
}
