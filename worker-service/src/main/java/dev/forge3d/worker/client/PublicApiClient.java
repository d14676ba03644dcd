package dev.forge3d.worker.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A thin client of the public job API (what {@code forge3d submit / wait / download} use): create a job from
 * photos or a prompt, read it, cancel it, list and download its artifacts. Answers are returned as JSON trees so
 * the client follows {@code openapi.yaml} without a second copy of its schemas.
 */
public final class PublicApiClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(2);

    private final ApiHttp http;

    public PublicApiClient(URI apiBaseUri, String apiKey) {
        this(ApiHttp.defaultClient(), apiBaseUri, apiKey, RetryPolicy.DEFAULT);
    }

    public PublicApiClient(HttpClient httpClient, URI apiBaseUri, String apiKey, RetryPolicy retry) {
        this.http = new ApiHttp(httpClient, apiBaseUri, apiKey, retry, false);
    }

    /** One artifact of a job as listed by {@code GET /v1/jobs/{id}/artifacts}. */
    public record ArtifactInfo(String name, long size, String mediaType, String sha256) { }

    /**
     * {@code POST /v1/jobs} as multipart: the photos as repeated {@code images} parts, or one {@code archive}
     * part (a zip), and the options as form fields.
     */
    public JsonNode createPhotoJob(String type, List<Path> images, Path archive, Map<String, String> options,
                                   String idempotencyKey) {
        MultipartBody body = new MultipartBody().field("type", type);
        options.forEach(body::field);
        for (Path p : images) body.file("images", p, imageType(p));
        if (archive != null) body.file("archive", archive, "application/zip");
        return create(() -> withKey(http.request("/v1/jobs", TRANSFER_TIMEOUT), idempotencyKey)
                .header("Content-Type", body.contentType())
                .POST(body.publisher()).build());
    }

    /** {@code POST /v1/jobs} as JSON: {@code {"type":..., "prompt":..., ...options}}. */
    public JsonNode createPromptJob(String type, String prompt, Map<String, String> options, String idempotencyKey) {
        ObjectNode json = ApiHttp.JSON.createObjectNode();
        json.put("type", type);
        json.put("prompt", prompt);
        options.forEach((k, v) -> json.set(k, typed(v)));
        return create(() -> withKey(http.request("/v1/jobs", CALL_TIMEOUT), idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(ApiHttp.jsonBody(json)).build());
    }

    /** {@code GET /v1/jobs/{id}}. */
    public JsonNode job(String id) {
        return http.readJson(http.send("get job " + id, () -> http.request(jobPath(id), CALL_TIMEOUT)
                .header("Accept", "application/json").GET().build()), JsonNode.class);
    }

    /** {@code POST /v1/jobs/{id}/cancel}. */
    public JsonNode cancel(String id) {
        return http.readJson(http.send("cancel job " + id, () -> http.request(jobPath(id) + "/cancel", CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build()), JsonNode.class);
    }

    /** {@code GET /v1/jobs/{id}/artifacts}: accepts a bare array or an object holding one. */
    public List<ArtifactInfo> artifacts(String id) {
        JsonNode n = http.readJson(http.send("list artifacts of " + id, () -> http.request(jobPath(id) + "/artifacts", CALL_TIMEOUT)
                .header("Accept", "application/json").GET().build()), JsonNode.class);
        JsonNode list = n.isArray() ? n : firstArray(n, "artifacts", "items", "data");
        List<ArtifactInfo> out = new ArrayList<>();
        for (JsonNode a : list) {
            out.add(new ArtifactInfo(a.path("name").asString(), a.path("size").asLong(-1),
                    a.path("mediaType").asString(a.path("contentType").asString(null)),
                    a.path("sha256").asString(null)));
        }
        return out;
    }

    /** Streams artifact {@code name} of job {@code id} to {@code target}. */
    public Sha256.Written downloadArtifact(String id, String name, Path target) {
        HttpResponse<InputStream> r = http.send("download " + name, () -> http.request(
                jobPath(id) + "/artifacts/" + ApiHttp.encodePath(name), TRANSFER_TIMEOUT).GET().build());
        try (InputStream in = r.body()) {
            return Sha256.copyToFile(in, target);
        } catch (IOException e) {
            throw new TransientApiException("download " + name + ": " + e.getMessage(), 0, null, null, e);
        }
    }

    private JsonNode create(Supplier<HttpRequest> request) {
        return http.readJson(http.send("create job", request), JsonNode.class);
    }

    private static HttpRequest.Builder withKey(HttpRequest.Builder b, String idempotencyKey) {
        if (idempotencyKey != null && !idempotencyKey.isBlank()) b.header("Idempotency-Key", idempotencyKey);
        return b.header("Accept", "application/json");
    }

    private static String jobPath(String id) {
        return "/v1/jobs/" + ApiHttp.encodeSegment(id);
    }

    private static JsonNode firstArray(JsonNode n, String... fields) {
        for (String f : fields) if (n.path(f).isArray()) return n.path(f);
        return ApiHttp.JSON.createArrayNode();
    }

    /** Option values typed as JSON: numbers and booleans as such, everything else as text. */
    static JsonNode typed(String v) {
        var f = ApiHttp.JSON.getNodeFactory();
        if (v.equals("true") || v.equals("false")) return f.booleanNode(Boolean.parseBoolean(v));
        if (v.matches("-?\\d{1,18}")) return f.numberNode(Long.parseLong(v));
        if (v.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) return f.numberNode(Double.parseDouble(v));
        return f.stringNode(v);
    }

    static String imageType(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) return "image/png";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        return "application/octet-stream";
    }
}
