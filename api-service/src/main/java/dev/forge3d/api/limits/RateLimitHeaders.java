package dev.forge3d.api.limits;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) of a tenant call, and Retry-After when it
 * is refused. The token bucket (capacity {@code burst}, refilled at {@code requestsPerSecond}) is described as the
 * policy {@code "tenant"} with quota {@code q} = burst over window {@code w} = the seconds a drained bucket takes to
 * fill; {@code RateLimit} gives the tokens left ({@code r}) and the seconds until the bucket is full ({@code t}).
 */
public final class RateLimitHeaders {
    public static final String POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    static final String POLICY_NAME = "tenant";

    private RateLimitHeaders() {}

    public static void write(HttpServletResponse response, TenantLimits limits, RateDecision decision) {
        long window = Math.max(1, ceilDiv(limits.burst(), limits.requestsPerSecond()));
        response.setHeader(POLICY, "\"" + POLICY_NAME + "\";q=" + limits.burst() + ";w=" + window);
        response.setHeader(RATE_LIMIT, "\"" + POLICY_NAME + "\";r=" + decision.remaining() + ";t="
                + ceilSeconds(decision.nanosToFull()));
        if (!decision.allowed()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(decision)));
        }
    }

    /** Whole seconds until the next token, at least 1 (Retry-After has no fractions). */
    public static long retryAfterSeconds(RateDecision decision) {
        return Math.max(1, ceilSeconds(decision.nanosToNextToken()));
    }

    private static long ceilSeconds(long nanos) {
        return ceilDiv(Math.max(0, nanos), 1_000_000_000L);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
