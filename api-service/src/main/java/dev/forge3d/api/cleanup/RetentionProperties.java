package dev.forge3d.api.cleanup;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.retention.default-days}: finished jobs older than this are deleted with their files by the
 * {@link OrphanSweeper}; 0 keeps them forever. A tenant's {@code tenants.retention_days} overrides it.
 */
@ConfigurationProperties("forge3d.retention")
public record RetentionProperties(int defaultDays) {}
