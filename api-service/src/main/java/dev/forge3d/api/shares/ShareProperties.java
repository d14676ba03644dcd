package dev.forge3d.api.shares;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.shares.*}: a link's lifetime when the request names none and the longest allowed, and the CSP
 * {@code frame-ancestors} of share pages (env FORGE3D_SHARE_FRAME_ANCESTORS; default {@code *}: any site may embed
 * them).
 */
@ConfigurationProperties("forge3d.shares")
public record ShareProperties(Duration defaultExpiresIn, Duration maxExpiresIn, String frameAncestors) {
    public static final long MIN_EXPIRES_IN_SECONDS = 60;

    public ShareProperties {
        if (defaultExpiresIn == null) defaultExpiresIn = Duration.ofDays(7);
        if (maxExpiresIn == null) maxExpiresIn = Duration.ofDays(365);
        if (frameAncestors == null || frameAncestors.isBlank()) frameAncestors = "*";
        // Operator text goes into a header: one line of CSP source expressions only.
        if (!frameAncestors.matches("[A-Za-z0-9*:/.\\-' ]+")) {
            throw new IllegalArgumentException("forge3d.shares.frame-ancestors must be CSP source expressions "
                    + "separated by spaces (e.g. \"'self' https://shop.example\"), got: " + frameAncestors);
        }
    }
}
