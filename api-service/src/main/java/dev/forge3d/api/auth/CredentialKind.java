package dev.forge3d.api.auth;

/**
 * The credentials a route can take: a tenant's API key (the public API), a worker's token (the worker protocol), a
 * share link's token in the path ({@code /s/{token}/...}, read-only access to one job) and a short-lived stream token
 * in the query ({@code ?streamToken=}, one job's event stream, for browsers' {@code EventSource}).
 */
public enum CredentialKind {
    TENANT_KEY("a tenant API key"),
    WORKER_TOKEN("the worker token"),
    SHARE_LINK("a share link"),
    STREAM_TOKEN("a stream token for this job's events");

    private final String description;

    CredentialKind(String description) {
        this.description = description;
    }

    public String description() { return description; }
}
