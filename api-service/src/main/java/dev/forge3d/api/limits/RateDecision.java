package dev.forge3d.api.limits;

/**
 * The outcome of taking one token from a tenant's request bucket: whether the call may go on, the tokens left, and
 * the nanoseconds until the next token ({@code nanosToNextToken}, 0 when there are tokens) and until the bucket is
 * full again ({@code nanosToFull}).
 */
public record RateDecision(boolean allowed, long remaining, long nanosToNextToken, long nanosToFull) {}
