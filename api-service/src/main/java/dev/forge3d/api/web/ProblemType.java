package dev.forge3d.api.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every error kind the API answers with: a stable {@code type} URI (clients switch on it), a title and a status.
 * The list is documented in openapi.yaml (components/schemas/Problem) and docs/api.md.
 */
public enum ProblemType {
    UNAUTHORIZED("unauthorized", "Missing or invalid credentials", HttpStatus.UNAUTHORIZED),
    NON_CANONICAL_PATH("non-canonical-path", "Request path is not in canonical form", HttpStatus.BAD_REQUEST),
    NOT_FOUND("not-found", "Not found", HttpStatus.NOT_FOUND),
    CORS_REFUSED("cors-refused", "Cross-origin request refused", HttpStatus.FORBIDDEN),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", HttpStatus.METHOD_NOT_ALLOWED),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", HttpStatus.NOT_ACCEPTABLE),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    MALFORMED_REQUEST("malformed-request", "Malformed request", HttpStatus.BAD_REQUEST),
    INVALID_PARAMETER("invalid-parameter", "Invalid parameter", HttpStatus.BAD_REQUEST),
    UNKNOWN_JOB_TYPE("unknown-job-type", "Unknown job type", HttpStatus.BAD_REQUEST),
    MISSING_IMAGES("missing-images", "No images uploaded", HttpStatus.BAD_REQUEST),
    NOT_AN_IMAGE("not-an-image", "File is not a JPEG, PNG or HEIC image", HttpStatus.BAD_REQUEST),
    CORRUPT_IMAGE("corrupt-image", "Image is corrupt or truncated", HttpStatus.BAD_REQUEST),
    DUPLICATE_INPUT("duplicate-input", "Two inputs have the same name", HttpStatus.BAD_REQUEST),
    INVALID_ARCHIVE("invalid-archive", "Archive is not a readable zip", HttpStatus.BAD_REQUEST),
    UNSAFE_ARCHIVE_ENTRY("unsafe-archive-entry", "Archive entry escapes its folder", HttpStatus.BAD_REQUEST),
    UNSUPPORTED_ARCHIVE_ENTRY("unsupported-archive-entry", "Archive holds a file of an unsupported kind",
            HttpStatus.BAD_REQUEST),
    ARCHIVE_TOO_LARGE("archive-too-large", "Archive expands beyond the limit", HttpStatus.CONTENT_TOO_LARGE),
    PAYLOAD_TOO_LARGE("payload-too-large", "Request is larger than the limit", HttpStatus.CONTENT_TOO_LARGE),
    PROMPT_TOO_LONG("prompt-too-long", "Prompt is longer than the limit", HttpStatus.BAD_REQUEST),
    MISSING_PROMPT("missing-prompt", "A prompt is required", HttpStatus.BAD_REQUEST),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency key was used with another request",
            HttpStatus.CONFLICT),
    JOB_FINISHED("job-finished", "Job already finished", HttpStatus.CONFLICT),
    JOB_NOT_FINISHED("job-not-finished", "Job is not finished", HttpStatus.CONFLICT),
    STALE_LEASE("stale-lease", "Lease is no longer valid", HttpStatus.CONFLICT),
    CANCEL_NOT_REQUESTED("cancel-not-requested", "No cancel was requested for this job", HttpStatus.CONFLICT),
    MISSING_LEASE_TOKEN("missing-lease-token", "X-Lease-Token header is required", HttpStatus.BAD_REQUEST),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", "Range not satisfiable", HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE),
    CALLBACK_URL_NOT_ALLOWED("callback-url-not-allowed", "Callback URL is not allowed", HttpStatus.BAD_REQUEST),
    WEBHOOK_SECRET_MISSING("webhook-secret-missing", "No webhook secret: create one with POST /v1/webhook-secrets",
            HttpStatus.BAD_REQUEST),
    RATE_LIMITED("rate-limited", "Too many requests", HttpStatus.TOO_MANY_REQUESTS),
    QUOTA_EXCEEDED("quota-exceeded", "Quota exceeded", HttpStatus.TOO_MANY_REQUESTS),
    SERVICE_UNAVAILABLE("service-unavailable", "Service temporarily unavailable", HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL("internal-error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR);

    public static final String BASE = "https://forge3d.dev/problems/";

    private final String slug;
    private final String title;
    private final HttpStatus status;

    ProblemType(String slug, String title, HttpStatus status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() { return slug; }

    public String title() { return title; }

    public HttpStatus status() { return status; }

    public URI uri() { return URI.create(BASE + slug); }

    public static ProblemType fromSlug(String slug) {
        for (ProblemType t : values()) {
            if (t.slug.equals(slug)) return t;
        }
        return INTERNAL;
    }
}
