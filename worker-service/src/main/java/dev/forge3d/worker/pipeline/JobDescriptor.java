package dev.forge3d.worker.pipeline;

import dev.forge3d.worker.client.Capabilities;

/**
 * Which job a pipeline is running and where.
 *
 * @param jobId        the API's job id (a UUID), or a local name for CLI runs
 * @param jobType      e.g. {@code photos-to-splat}
 * @param attempt      1 for the first attempt; later attempts may resume from checkpoints
 * @param params       the job's options
 * @param workerId     the worker's name (goes into metrics)
 * @param capabilities what the worker runs on (backend, threads, memory)
 */
public record JobDescriptor(String jobId, String jobType, int attempt, JobParams params, String workerId,
                            Capabilities capabilities) {
}
