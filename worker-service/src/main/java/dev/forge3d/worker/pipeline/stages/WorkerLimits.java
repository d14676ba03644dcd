package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;

/**
 * What a worker agrees to run for one job: jobs asking for more are run at these caps (the job's metrics and
 * message say so), so a CPU worker never quietly takes a job that would run for hours.
 *
 * @param maxResolution   longest image side in pixels
 * @param maxIterations   3DGS iterations
 * @param checkpointEveryIterations  the train stage saves a checkpoint at least this often (iterations)
 * @param checkpointEverySeconds     ... or this often (seconds of training), whichever comes first
 */
public record WorkerLimits(int maxResolution, int maxIterations, int checkpointEveryIterations,
                           double checkpointEverySeconds) {

    public WorkerLimits {
        if (maxResolution < PhotoJobOptions.MIN_RESOLUTION) throw new IllegalArgumentException("max resolution must be >= " + PhotoJobOptions.MIN_RESOLUTION);
        if (maxIterations < 1) throw new IllegalArgumentException("max iterations must be >= 1");
        if (checkpointEveryIterations < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 iteration");
        if (!(checkpointEverySeconds > 0)) throw new IllegalArgumentException("checkpoint interval must be > 0 s");
    }

    /**
     * Defaults for the CPU backend: the {@code standard} preset's budget (1000 px, 7000 iterations); a checkpoint
     * every 500 iterations or 60 s. Overridable with the system properties {@code forge3d.worker.max-resolution},
     * {@code forge3d.worker.max-iterations}, {@code forge3d.worker.checkpoint-iterations} and
     * {@code forge3d.worker.checkpoint-seconds} (or the environment variables {@code FORGE3D_WORKER_MAX_RESOLUTION}, ...).
     */
    public static WorkerLimits cpuDefaults() {
        return new WorkerLimits(setting("max-resolution", 1000), setting("max-iterations", 7000),
                setting("checkpoint-iterations", 500), setting("checkpoint-seconds", 60));
    }

    public WorkerLimits withMaxResolution(int v) { return new WorkerLimits(v, maxIterations, checkpointEveryIterations, checkpointEverySeconds); }

    public WorkerLimits withMaxIterations(int v) { return new WorkerLimits(maxResolution, v, checkpointEveryIterations, checkpointEverySeconds); }

    public WorkerLimits withCheckpointEvery(int iterations, double seconds) {
        return new WorkerLimits(maxResolution, maxIterations, iterations, seconds);
    }

    private static int setting(String name, int def) {
        String v = System.getProperty("forge3d.worker." + name);
        if (v == null) v = System.getenv("FORGE3D_WORKER_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        if (v == null || v.isBlank()) return def;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("worker setting " + name + " must be a whole number, got '" + v + "'");
        }
    }
}
