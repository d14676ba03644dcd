package dev.forge3d.worker.pipeline;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Checkpoints of a job: they belong to the job, not to an attempt, so a new attempt after a lost lease resumes
 * from the latest one. In a worker they live in the API's blob store; in a local CLI run, in a folder.
 */
public interface Checkpoints {

    /** Copies checkpoint {@code name} to {@code target}; false when there is none. */
    boolean fetch(String name, Path target) throws IOException;

    /** Stores {@code file} as checkpoint {@code name}, replacing an older one. */
    void save(String name, Path file) throws IOException;

    /**
     * True once the worker is handing the job back (it is shutting down, e.g. on SIGTERM): a stage that can save
     * its progress should do so now, before it stops at its next progress report, so the next attempt resumes
     * from here rather than from the last periodic checkpoint.
     */
    default boolean handingBack() {
        return false;
    }
}
