package dev.forge3d.api.auth;

/** The two kinds of bearer credential: a tenant's API key (the public API) and a worker's token (the worker protocol). */
public enum CredentialKind {
    TENANT_KEY("a tenant API key"),
    WORKER_TOKEN("the worker token");

    private final String description;

    CredentialKind(String description) {
        this.description = description;
    }

    public String description() { return description; }
}
