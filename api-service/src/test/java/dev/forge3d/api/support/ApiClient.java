package dev.forge3d.api.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP calls to the API under test (java.net.http), for both the public API and the worker protocol. Every
 * response is checked against openapi.yaml unless {@link #unchecked()} is used.
 */
public final class ApiClient {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String workerToken;
    private final boolean checkContract;

    public ApiClient(String base, String workerToken) {
        this(base, workerToken, true);
    }

    private ApiClient(String base, String workerToken, boolean checkContract) {
        this.base = base;
        this.workerToken = workerToken;
        this.checkContract = checkContract;
    }

    /** The same client without the contract check (for high-volume loops). */
    public ApiClient unchecked() {
        return new ApiClient(base, workerToken, false);
    }

    public String base() { return base; }

    public record Res(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The problem type's last path segment, e.g. "stale-lease". */
        public String problemType() {
            String t = json().path("type").asString();
            return t.substring(t.lastIndexOf('/') + 1);
        }
    }

    public Res send(String method, String path, String bearer, Map<String, String> headers,
            HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Res res = new Res(r.statusCode(), r.headers(), r.body());
            if (checkContract) {
                OpenApiContract.get().check(method, path, res.status(),
                        r.headers().firstValue("Content-Type").orElse(null), res.body());
            }
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- public API

    public Res get(String path, String key) {
        return send("GET", path, key, Map.of(), null);
    }

    public Res get(String path, String key, Map<String, String> headers) {
        return send("GET", path, key, headers, null);
    }

    public Res postJson(String path, String key, String json) {
        return postJson(path, key, json, Map.of());
    }

    public Res postJson(String path, String key, String json, Map<String, String> headers) {
        var h = new java.util.HashMap<>(headers);
        h.put("Content-Type", "application/json");
        return send("POST", path, key, h, HttpRequest.BodyPublishers.ofString(json));
    }

    public Res createTextJob(String key, String prompt) {
        return postJson("/v1/jobs", key, JSON.writeValueAsString(Map.of("type", "text-to-3d", "prompt", prompt)));
    }

    /** A multipart/form-data body built by hand (java.net.http has no multipart publisher). */
    public static final class Multipart {
        private final String boundary = "----forge3d" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
            write(value);
            write("\r\n");
            return this;
        }

        public Multipart file(String name, String filename, String contentType, byte[] data) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                    + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
            out.writeBytes(data);
            write("\r\n");
            return this;
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        public byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    public Res postMultipart(String key, Multipart m, Map<String, String> headers) {
        var h = new java.util.HashMap<>(headers);
        h.put("Content-Type", m.contentType());
        return send("POST", "/v1/jobs", key, h, HttpRequest.BodyPublishers.ofByteArray(m.bytes()));
    }

    // ---- worker protocol

    public Res lease(String workerId, int waitSeconds, Integer leaseSeconds) {
        return lease(workerId, waitSeconds, leaseSeconds,
                Map.of("backend", "cpu", "threads", 2, "memoryBytes", 1L << 30));
    }

    /** A lease request reporting these capabilities (backend, threads, memoryBytes, gpuName, gpuMemoryBytes). */
    public Res lease(String workerId, int waitSeconds, Integer leaseSeconds, Map<String, Object> capabilities) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("workerId", workerId);
        body.put("capabilities", capabilities);
        body.put("jobTypes", List.of("photos-to-splat", "text-to-3d"));
        body.put("waitSeconds", waitSeconds);
        if (leaseSeconds != null) body.put("leaseSeconds", leaseSeconds);
        return workerPost("/v1/worker/lease", body);
    }

    public Res heartbeat(String jobId, long token, String stage, double progress) {
        return workerPost("/v1/worker/jobs/" + jobId + "/heartbeat",
                Map.of("leaseToken", token, "stage", stage, "progress", progress, "etaSeconds", 12.5));
    }

    public Res complete(String jobId, long token) {
        return workerPost("/v1/worker/jobs/" + jobId + "/complete",
                Map.of("leaseToken", token, "metrics", Map.of("stage", "diagnostic")));
    }

    public Res fail(String jobId, long token, String reason, boolean retryable) {
        return workerPost("/v1/worker/jobs/" + jobId + "/fail",
                Map.of("leaseToken", token, "reason", reason, "retryable", retryable));
    }

    public Res canceled(String jobId, long token) {
        return workerPost("/v1/worker/jobs/" + jobId + "/canceled", Map.of("leaseToken", token));
    }

    public Res putArtifact(String jobId, long token, String name, String contentType, byte[] data) {
        return send("PUT", "/v1/worker/jobs/" + jobId + "/artifacts/" + name, workerToken,
                Map.of("X-Lease-Token", Long.toString(token), "Content-Type", contentType),
                HttpRequest.BodyPublishers.ofByteArray(data));
    }

    public Res putCheckpoint(String jobId, long token, String name, byte[] data) {
        return send("PUT", "/v1/worker/jobs/" + jobId + "/checkpoints/" + name, workerToken,
                Map.of("X-Lease-Token", Long.toString(token), "Content-Type", "application/octet-stream"),
                HttpRequest.BodyPublishers.ofByteArray(data));
    }

    public Res workerGet(String path, long token) {
        return send("GET", path, workerToken, Map.of("X-Lease-Token", Long.toString(token)), null);
    }

    public Res workerPost(String path, Object body) {
        return send("POST", path, workerToken, Map.of("Content-Type", "application/json"),
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    public static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("items").forEach(j -> out.add(j.path("id").asString()));
        return out;
    }
}
