package dev.forge3d.worker.client;

import dev.forge3d.client.model.Job;
import tools.jackson.core.JacksonException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Follows one job over {@code GET /v1/jobs/{id}/events} (text/event-stream, WHATWG "server-sent events"): each
 * {@code event: job} carries the Job JSON; the server ends the stream after a terminal state. A stream that ends
 * before that, or a connection that fails, is opened again (the first event of a stream is always the job's current
 * state, so nothing is missed). The generator writes no client for event streams, hence this reader.
 */
final class JobEventStream {

    /** Streams in a row that fail (or end without an event) before the wait gives up. */
    private static final int MAX_FAILURES = 6;

    private final PublicApiClient api;
    private final UUID id;
    private final Consumer<Job> onJob;
    private final Duration reconnectDelay;
    private final Duration timeout;
    private volatile InputStream open;
    private volatile Job lastSeen;

    JobEventStream(PublicApiClient api, UUID id, Consumer<Job> onJob, Duration reconnectDelay, Duration timeout) {
        this.api = api;
        this.id = id;
        this.onJob = onJob;
        this.reconnectDelay = reconnectDelay;
        this.timeout = timeout;
    }

    Job run() {
        if (timeout == null) return follow();
        // The wait runs on a thread of its own, so that it ends on time even while blocked in a read.
        FutureTask<Job> task = new FutureTask<>(this::follow);
        Thread reader = Thread.ofVirtual().name("job-events-" + id).start(task);
        try {
            return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            closeOpenStream();
            Job last = lastSeen;
            throw new IllegalStateException("job " + id + " is still " + (last == null ? "not finished" : last.getState())
                    + " after " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            reader.interrupt();
            closeOpenStream();
            Thread.currentThread().interrupt();
            throw new TransientApiException("events of job " + id + ": interrupted", 0, null, null, e);
        }
    }

    private Job follow() {
        String what = "events of job " + id;
        int failures = 0;
        while (true) {
            try {
                Job end = readOneStream(what);
                if (end != null && PublicApiClient.terminal(end)) return end;
                // A stream that carried states and ended early (the server's stream timeout) is simply opened
                // again; one that carried nothing counts as a failure.
                failures = end != null ? 0 : failures + 1;
                if (failures >= MAX_FAILURES) throw new TransientApiException(what + ": the stream ends without events", 0, null, null, null);
            } catch (IOException | TransientApiException e) {
                if (Thread.currentThread().isInterrupted()) throw new TransientApiException(what + ": interrupted", 0, null, null, e);
                if (++failures >= MAX_FAILURES) {
                    if (e instanceof TransientApiException t) throw t;
                    throw new TransientApiException(what + ": " + PublicApiClient.describe(e), 0, null, null, e);
                }
            }
            PublicApiClient.sleep(what, reconnectDelay, null);
        }
    }

    /** Reads one stream to its end; returns the last job it carried (null when it carried none). */
    private Job readOneStream(String what) throws IOException {
        HttpResponse<InputStream> r;
        try {
            r = api.call(what, false, () -> {
                try {
                    HttpResponse<InputStream> answer = api.httpClient().send(api.eventsRequest(id),
                            HttpResponse.BodyHandlers.ofInputStream());
                    if (answer.statusCode() / 100 != 2) {
                        String body;
                        try (InputStream in = answer.body()) {
                            body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                        }
                        throw new dev.forge3d.client.ApiException(answer.statusCode(), answer.headers(), body);
                    }
                    return answer;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.forge3d.client.ApiException(e);
                }
            });
        } catch (TransientApiException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
        Job last = null;
        try (InputStream in = r.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            open = in;
            String event = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) { // a blank line dispatches the event
                    if (event.equals("job") && !data.isEmpty()) {
                        last = parse(what, data.toString());
                        lastSeen = last;
                        onJob.accept(last);
                        if (PublicApiClient.terminal(last)) return last;
                    }
                    event = "message";
                    data.setLength(0);
                    continue;
                }
                if (line.startsWith(":")) continue; // a comment (keep-alive)
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                switch (field) {
                    case "event" -> event = value;
                    case "data" -> {
                        if (!data.isEmpty()) data.append('\n');
                        data.append(value);
                    }
                    default -> { } // id, retry: the server's first event is the current state; nothing to resume
                }
            }
        } finally {
            open = null;
        }
        return last;
    }

    private Job parse(String what, String json) {
        try {
            return api.mapper().readValue(json, Job.class);
        } catch (JacksonException e) {
            throw new ApiException(what + ": an event that is not a job: " + e.getOriginalMessage(), 0, null, null, e);
        }
    }

    private void closeOpenStream() {
        InputStream in = open;
        if (in == null) return;
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader ends either way
        }
    }
}
