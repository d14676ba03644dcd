package dev.forge3d.launcher;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Adds the in-process worker to the API's context when this module is on the class path (the one-command jar);
 * {@link LocalPipelineWorker} itself exists only with {@code forge3d.embedded-worker.enabled=true}.
 */
@AutoConfiguration
@Import(LocalPipelineWorker.class)
public class LocalWorkerAutoConfiguration {}
