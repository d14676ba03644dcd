package dev.forge3d.api.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code forge3d.workers.*}: the shared worker token (env FORGE3D_WORKER_TOKEN) and the artifact size limit. */
@ConfigurationProperties("forge3d.workers")
public record WorkerProperties(String token, DataSize maxArtifactBytes) {}
