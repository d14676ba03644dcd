package dev.forge3d.worker.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transient failures (connection errors, 5xx) are retried: exponential backoff with full jitter. 4xx answers
 * are never retried.
 *
 * @param maxAttempts    attempts in total, at least 1
 * @param initialBackoff the upper bound of the first wait
 * @param maxBackoff     the cap on the wait bound
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(8));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
    public Duration backoff(int attempt) {
        long cap = maxBackoff.toMillis();
        long bound = Math.min(cap, initialBackoff.toMillis() << Math.min(20, attempt - 1));
        // half fixed, half random: spreads retries of many workers without ever waiting (almost) nothing
        return Duration.ofMillis(bound / 2 + ThreadLocalRandom.current().nextLong(bound / 2 + 1));
    }
}
