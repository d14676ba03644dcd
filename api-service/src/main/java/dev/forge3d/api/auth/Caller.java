package dev.forge3d.api.auth;

import java.util.UUID;

/**
 * Who sent a request, as established by {@link AuthFilter} from its bearer credential: a tenant (with its id) or a
 * worker; or, without an Authorization header, {@link #ANONYMOUS} (browser pages and share links, whose token is
 * checked on the matched route) or {@link #STREAM} (a stream token in the query, checked on the matched route).
 */
public record Caller(CredentialKind kind, UUID tenantId) {
    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();
    public static final Caller WORKER = new Caller(CredentialKind.WORKER_TOKEN, null);
    public static final Caller ANONYMOUS = new Caller(null, null);
    public static final Caller STREAM = new Caller(CredentialKind.STREAM_TOKEN, null);

    public static Caller tenant(UUID tenantId) {
        return new Caller(CredentialKind.TENANT_KEY, tenantId);
    }
}
