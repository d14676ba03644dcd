package dev.forge3d.api.auth;

import java.util.UUID;

/**
 * What a valid share link grants: read-only access to one job of one tenant. Set by {@link CredentialCheck} on
 * routes that take {@link CredentialKind#SHARE_LINK}; controllers take it as a parameter.
 */
public record ShareGrant(UUID shareId, UUID jobId, UUID tenantId, String token) {
    public static final String REQUEST_ATTRIBUTE = ShareGrant.class.getName();

    /** The share-scoped base path, {@code /s/{token}}. */
    public String basePath() {
        return "/s/" + token;
    }
}
