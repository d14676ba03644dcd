package dev.forge3d.api.auth;

import java.util.Optional;

/**
 * Looks a share link's token up (the {@code shares} package implements it): present only while the link exists, has
 * not expired and its job still exists.
 */
public interface ShareLinkResolver {
    Optional<ShareGrant> resolve(String token);
}
