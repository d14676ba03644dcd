package dev.forge3d.api.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.events.*}: how often open event streams look for changes made by other replicas (changes made
 * on this replica are pushed at once), and how long a stream stays open.
 */
@ConfigurationProperties("forge3d.events")
public record EventProperties(Duration pollInterval, Duration timeout) {}
