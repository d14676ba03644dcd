package dev.forge3d.worker.client;

/** 401: the worker token or API key is missing or wrong. Never retried. */
public final class UnauthorizedException extends ApiException {
    public UnauthorizedException(String message, String problemType, String detail) {
        super(message, 401, problemType, detail, null);
    }
}
