package dev.forge3d.worker.cli;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.worker.client.PublicApiClient;
import tools.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/** Polls {@code GET /v1/jobs/{id}} and draws its stage and progress until the job reaches a terminal state. */
final class JobWaiter {

    static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED");

    private JobWaiter() { }

    /** The job's final JSON; throws when it did not end within {@code timeout} (null: no limit). */
    static JsonNode await(PublicApiClient client, String id, Duration interval, Duration timeout, PrintStream out)
            throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (ConsoleProgressBar bar = new ConsoleProgressBar(out)) {
            while (true) {
                JsonNode job = client.job(id);
                String state = job.path("state").asString("UNKNOWN");
                String stage = job.path("stage").asString("");
                double progress = job.path("progress").asDouble(0);
                double eta = job.path("etaSeconds").isNumber() ? job.path("etaSeconds").asDouble() : Double.NaN;
                boolean done = TERMINAL.contains(state);
                String label = stage.isEmpty() || done ? state.toLowerCase(java.util.Locale.ROOT) : stage;
                bar.onProgress(Progress.of(label, state.equals("SUCCEEDED") ? 1 : progress, done ? Double.NaN : eta,
                        state + (job.path("attempt").asInt(0) > 1 ? " attempt " + job.path("attempt").asInt() : "")));
                if (done) return job;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job " + id + " is still " + state + " after " + timeout.toSeconds() + " s");
                }
                Thread.sleep(interval);
            }
        }
    }

    /** Throws with the job's reason unless it SUCCEEDED. */
    static void requireSucceeded(JsonNode job, String id) {
        String state = job.path("state").asString();
        if (state.equals("SUCCEEDED")) return;
        if (state.equals("CANCELED")) throw new IllegalStateException("job " + id + " was canceled");
        JsonNode err = job.path("error");
        String reason = err.isObject() ? err.path("detail").asString(err.path("title").asString(""))
                : err.isString() ? err.asString() : "";
        throw new IllegalStateException("job " + id + " " + state + (reason.isBlank() ? "" : ": " + reason));
    }
}
