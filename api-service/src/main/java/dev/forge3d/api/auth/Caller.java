package dev.forge3d.api.auth;

import java.util.UUID;

/**
 * Who sent a request, as established by {@link AuthFilter} from its bearer credential: a tenant (with its id) or a
 * worker.
 */
public record Caller(CredentialKind kind, UUID tenantId) {
    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();
    public static final Caller WORKER = new Caller(CredentialKind.WORKER_TOKEN, null);

    public static Caller tenant(UUID tenantId) {
        return new Caller(CredentialKind.TENANT_KEY, tenantId);
    }
}
