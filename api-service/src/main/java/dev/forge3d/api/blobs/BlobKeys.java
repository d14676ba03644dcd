package dev.forge3d.api.blobs;

import java.util.UUID;

/** The layout of keys in the blob store, in one place. */
public final class BlobKeys {
    private BlobKeys() {}

    public static String jobPrefix(UUID jobId) {
        return "jobs/" + jobId + "/";
    }

    public static String input(UUID jobId, String name) {
        return jobPrefix(jobId) + "inputs/" + name;
    }

    public static String artifact(UUID jobId, int attempt, String name) {
        return jobPrefix(jobId) + "attempts/" + attempt + "/" + name;
    }

    /** Where checkpoints were kept before each upload got its own key (read when a checkpoint has no row). */
    public static String legacyCheckpoint(UUID jobId, String name) {
        return jobPrefix(jobId) + "checkpoints/" + name;
    }

    /**
     * One checkpoint upload: every PUT gets a fresh key, so a worker that lost its lease mid-upload never
     * overwrites the blob the current attempt resumes from; the checkpoints row names the current one.
     */
    public static String checkpoint(UUID jobId, UUID uploadId, String name) {
        return jobPrefix(jobId) + "checkpoint-uploads/" + uploadId + "/" + name;
    }
}
