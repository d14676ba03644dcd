package dev.forge3d.api.jobs;

/** QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELED, and RUNNING -> QUEUED when a lease expires. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }
}
