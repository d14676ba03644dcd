package dev.forge3d.api.workers;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.workers.capacity.*}: how often queued jobs are checked against the workers seen recently, and how
 * recently a worker must have asked for work to count ({@link WorkerRegistry}).
 */
@ConfigurationProperties("forge3d.workers.capacity")
public record CapacityProperties(Duration checkInterval, Duration seenWindow) {}
