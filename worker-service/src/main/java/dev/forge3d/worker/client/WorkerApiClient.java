package dev.forge3d.worker.client;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The worker side of the worker protocol (docs/worker-protocol.md): lease, heartbeat, inputs, artifacts,
 * checkpoints, complete / fail / canceled. Authenticates with the worker token; every call after the lease
 * carries the lease (fencing) token.
 *
 * <p>Errors: {@link StaleLeaseException} (409: stop working on the job), {@link UnauthorizedException} (401),
 * {@link TransientApiException} (connection errors and 5xx that outlived the {@link RetryPolicy}), and
 * {@link ApiException} for any other 4xx (never retried). Files are streamed in both directions.
 * Thread-safe: the heartbeat thread and the job thread share one client.
 */
public final class WorkerApiClient {

    static final String LEASE_TOKEN_HEADER = "X-Lease-Token";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** Uploads and downloads may be hundreds of MB: bounded by progress of the stream, not by a fixed time. */
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(2);

    private final ApiHttp http;
    /** For calls made while shutting down: one try, no back-off. */
    private final ApiHttp once;
    private final RetryPolicy retry;

    public WorkerApiClient(URI apiBaseUri, String workerToken) {
        this(ApiHttp.defaultClient(), apiBaseUri, workerToken, RetryPolicy.DEFAULT);
    }

    public WorkerApiClient(HttpClient httpClient, URI apiBaseUri, String workerToken, RetryPolicy retry) {
        this.http = new ApiHttp(httpClient, apiBaseUri, workerToken, retry, true);
        this.once = new ApiHttp(httpClient, apiBaseUri, workerToken, RetryPolicy.NONE, true);
        this.retry = retry;
    }

    /** Long-polls for a job; empty when none arrived within {@code waitSeconds} (204). */
    public Optional<Lease> lease(LeaseRequest request) {
        Duration timeout = Duration.ofSeconds(Math.max(0, request.waitSeconds()) + 30L);
        HttpResponse<InputStream> r = http.send("lease", () -> http.request("/v1/worker/lease", timeout)
                .header("Content-Type", "application/json")
                .POST(ApiHttp.jsonBody(request)).build());
        if (r.statusCode() == 204) {
            ApiHttp.discard(r);
            return Optional.empty();
        }
        return Optional.of(http.readJson(r, Lease.class));
    }

    /**
     * Ends the long poll {@code pollId} early (this worker is shutting down): the API answers it 204 instead of
     * leasing a job. A poll that already claimed a job still answers with the lease, which the caller hands back.
     */
    public void cancelPoll(String pollId) {
        ApiHttp.discard(once.send("cancel poll " + pollId, () -> once.request("/v1/worker/lease/cancel", Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(ApiHttp.jsonBody(Map.of("pollId", pollId))).build()));
    }

    public HeartbeatResponse heartbeat(String jobId, HeartbeatRequest request) {
        HttpResponse<InputStream> r = http.send("heartbeat " + jobId, () -> http.request(jobPath(jobId, "heartbeat"), CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(ApiHttp.jsonBody(request)).build());
        return http.readJson(r, HeartbeatResponse.class);
    }

    /**
     * Streams input {@code name} of the job to {@code target} (written atomically) and returns its size and
     * sha256 as received. A stream broken half-way is retried like a connection error.
     */
    public Sha256.Written downloadInput(String jobId, long leaseToken, String name, Path target) {
        String what = "download input " + name;
        String path = jobPath(jobId, "inputs/" + ApiHttp.encodePath(name));
        return downloadTo(what, path, leaseToken, target, false).orElseThrow();
    }

    /** Streams {@code file} as artifact {@code name} (may contain '/') of this attempt; not visible until complete. */
    public ArtifactReceipt uploadArtifact(String jobId, long leaseToken, String name, Path file, String contentType) {
        String path = jobPath(jobId, "artifacts/" + ApiHttp.encodePath(name));
        HttpResponse<InputStream> r = http.send("upload artifact " + name, () -> http.request(path, TRANSFER_TIMEOUT)
                .header(LEASE_TOKEN_HEADER, Long.toString(leaseToken))
                .header("Content-Type", contentType == null ? "application/octet-stream" : contentType)
                .PUT(filePublisher(file)).build());
        return http.readJson(r, ArtifactReceipt.class);
    }

    /** Stores checkpoint {@code name}: checkpoints belong to the job and survive attempts. */
    public void putCheckpoint(String jobId, long leaseToken, String name, Path file) {
        String path = jobPath(jobId, "checkpoints/" + ApiHttp.encodePath(name));
        ApiHttp.discard(http.send("put checkpoint " + name, () -> http.request(path, TRANSFER_TIMEOUT)
                .header(LEASE_TOKEN_HEADER, Long.toString(leaseToken))
                .header("Content-Type", "application/octet-stream")
                .PUT(filePublisher(file)).build()));
    }

    /** Fetches checkpoint {@code name} into {@code target}; false when the job has none of that name (404). */
    public boolean getCheckpoint(String jobId, long leaseToken, String name, Path target) {
        String path = jobPath(jobId, "checkpoints/" + ApiHttp.encodePath(name));
        return downloadTo("get checkpoint " + name, path, leaseToken, target, true).isPresent();
    }

    /** Publishes this attempt's artifacts atomically; the job becomes SUCCEEDED. */
    public void complete(String jobId, long leaseToken, JsonNode metrics) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", leaseToken);
        body.put("metrics", metrics);
        post("complete " + jobId, jobPath(jobId, "complete"), body);
    }

    /** Fails the job with a reason a user can read; {@code retryable} lets the API queue another attempt. */
    public void fail(String jobId, long leaseToken, String reason, boolean retryable) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", leaseToken);
        body.put("reason", reason);
        body.put("retryable", retryable);
        post("fail " + jobId, jobPath(jobId, "fail"), body);
    }

    /** Acknowledges a cancel request: the job becomes CANCELED. */
    public void canceled(String jobId, long leaseToken) {
        post("canceled " + jobId, jobPath(jobId, "canceled"), Map.of("leaseToken", leaseToken));
    }

    private void post(String what, String path, Object body) {
        ApiHttp.discard(http.send(what, () -> http.request(path, CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(ApiHttp.jsonBody(body)).build()));
    }

    private Optional<Sha256.Written> downloadTo(String what, String path, long leaseToken, Path target,
                                                boolean notFoundIsEmpty) {
        IOException broken = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            if (attempt > 1) pause(what, retry.backoff(attempt - 1));
            HttpResponse<InputStream> r = notFoundIsEmpty
                    ? http.send(what, () -> getRequest(path, leaseToken), 404)
                    : http.send(what, () -> getRequest(path, leaseToken));
            if (r.statusCode() == 404) {
                ApiHttp.discard(r);
                return Optional.empty();
            }
            try (InputStream in = r.body()) {
                return Optional.of(Sha256.copyToFile(in, target));
            } catch (IOException e) {
                broken = e;
            }
        }
        throw new TransientApiException(what + ": transfer broken: " + broken.getMessage(), 0, null, null, broken);
    }

    private HttpRequest getRequest(String path, long leaseToken) {
        return http.request(path, TRANSFER_TIMEOUT)
                .header(LEASE_TOKEN_HEADER, Long.toString(leaseToken))
                .GET().build();
    }

    private static HttpRequest.BodyPublisher filePublisher(Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no such file to upload: " + file, e);
        }
    }

    private static String jobPath(String jobId, String rest) {
        Objects.requireNonNull(jobId, "jobId");
        return "/v1/worker/jobs/" + ApiHttp.encodeSegment(jobId) + "/" + rest;
    }

    private static void pause(String what, Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientApiException(what + ": interrupted", 0, null, null, e);
        }
    }

}
