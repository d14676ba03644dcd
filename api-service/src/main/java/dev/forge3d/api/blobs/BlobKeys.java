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

    public static String checkpoint(UUID jobId, String name) {
        return jobPrefix(jobId) + "checkpoints/" + name;
    }
}
