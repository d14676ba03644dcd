package dev.forge3d.api.cleanup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.cleanup.*}: how often the {@link OrphanSweeper} runs, and how old a spool file, an abandoned
 * partial write or a blob without a job must be before it is removed (longer than the slowest upload, since a
 * create stores its uploads before it inserts the job row).
 */
@ConfigurationProperties("forge3d.cleanup")
public record CleanupProperties(Duration interval, Duration orphanGrace) {}
