package dev.forge3d.api.queue;

import java.util.UUID;

/** Published (as a Spring application event) whenever this replica changes a job, so listeners can react at once. */
public record JobChanged(UUID jobId) {}
