package dev.forge3d.worker.client;

/**
 * An HTTP call to the forge3d API that did not succeed. Carries the status and, when the server answered with
 * RFC 9457 problem+json, its {@code type} and {@code detail}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String problemType;
    private final String detail;

    public ApiException(String message, int status, String problemType, String detail, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problemType = problemType;
        this.detail = detail;
    }

    /** The HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
    public int status() { return status; }

    /** The problem's {@code type} URI, or null when the body was not problem+json. */
    public String problemType() { return problemType; }

    /** The problem's {@code detail} (or title), or null. */
    public String detail() { return detail; }
}
