package dev.forge3d.api.limits;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;

/** A tenant quota refused the request: 429 {@code quota-exceeded} with a Retry-After of {@code retryAfterSeconds}. */
public class QuotaExceededException extends ApiException {
    private final long retryAfterSeconds;

    public QuotaExceededException(String detail, long retryAfterSeconds) {
        super(ProblemType.QUOTA_EXCEEDED, detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() { return retryAfterSeconds; }
}
