package dev.forge3d.api.auth;

import java.util.UUID;

/** The authenticated tenant of a public API request (set by {@link AuthFilter}). */
public record TenantId(UUID value) {
    public static final String REQUEST_ATTRIBUTE = TenantId.class.getName();
}
