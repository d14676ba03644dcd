package dev.forge3d.worker.cli;

import dev.forge3d.client.model.Job;
import dev.forge3d.client.model.JobError;
import dev.forge3d.client.model.JobState;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.worker.client.PublicApiClient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/** Follows a job's server-sent events and draws its stage and progress until the job reaches a terminal state. */
final class JobWaiter {

    private JobWaiter() { }

    /** The job's final state; throws when it did not end within {@code timeout} (null: no limit). */
    static Job await(PublicApiClient client, UUID id, Duration reconnectDelay, Duration timeout, PrintStream out) {
        try (ConsoleProgressBar bar = new ConsoleProgressBar(out)) {
            return client.follow(id, job -> draw(bar, job), reconnectDelay, timeout);
        }
    }

    private static void draw(ConsoleProgressBar bar, Job job) {
        JobState state = job.getState();
        String name = state == null ? "UNKNOWN" : state.getValue();
        String stage = job.getStage() == null ? "" : job.getStage();
        double progress = job.getProgress() == null ? 0 : job.getProgress().doubleValue();
        double eta = job.getEtaSeconds() == null ? Double.NaN : job.getEtaSeconds().doubleValue();
        boolean done = PublicApiClient.terminal(job);
        String label = stage.isEmpty() || done ? name.toLowerCase(Locale.ROOT) : stage;
        int attempt = job.getAttempt() == null ? 0 : job.getAttempt();
        bar.onProgress(Progress.of(label, state == JobState.SUCCEEDED ? 1 : progress, done ? Double.NaN : eta,
                name + (attempt > 1 ? " attempt " + attempt : "")));
    }

    /** Throws with the job's reason unless it SUCCEEDED. */
    static void requireSucceeded(Job job, UUID id) {
        JobState state = job.getState();
        if (state == JobState.SUCCEEDED) return;
        if (state == JobState.CANCELED) throw new IllegalStateException("job " + id + " was canceled");
        JobError err = job.getError();
        String reason = err == null ? "" : err.getDetail() != null ? err.getDetail()
                : err.getTitle() != null ? err.getTitle() : "";
        throw new IllegalStateException("job " + id + " " + (state == null ? "UNKNOWN" : state.getValue())
                + (reason.isBlank() ? "" : ": " + reason));
    }

    /** A job id as the API writes it (a UUID); anything else is a usage error, not a call that would 404. */
    static UUID jobId(String raw) {
        try {
            return UUID.fromString(raw.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a job id (a UUID)");
        }
    }
}
