package dev.forge3d.api.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code forge3d.metrics.*}: how often the queue and worker gauges are read from PostgreSQL. */
@ConfigurationProperties("forge3d.metrics")
public record MetricsProperties(Duration refreshInterval) {}
