package dev.forge3d.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiClient.Res;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input gets a 4xx RFC 9457 problem with its stable type (checked against openapi.yaml by the
 * client), never a 500 or a stack trace, and leaves no job behind.
 */
class BadInputTest extends ApiTestBase {
    String key;

    @BeforeEach
    void tenant() {
        key = newTenantKey("bad");
    }

    @Test
    void credentials() {
        expect(api.get("/v1/jobs", null), 401, "unauthorized");
        expect(api.get("/v1/jobs", "f3d_not-a-real-key-at-all"), 401, "unauthorized");
        expect(api.send("GET", "/v1/jobs", null, Map.of("Authorization", "Basic dXNlcjpwYXNz"), null), 401,
                "unauthorized");
        // The worker protocol wants the worker token, not an API key, and vice versa.
        expect(api.send("POST", "/v1/worker/lease", key, Map.of("Content-Type", "application/json"),
                HttpRequest.BodyPublishers.ofString("{\"workerId\":\"w\"}")), 401, "unauthorized");
        expect(api.get("/v1/jobs", WORKER_TOKEN), 401, "unauthorized");
    }

    @Test
    void jsonRequests() {
        expect(api.postJson("/v1/jobs", key, "{\"type\": \"text-to-3d\", "), 400, "malformed-request");
        expect(api.postJson("/v1/jobs", key, "[1,2]"), 400, "malformed-request");
        expect(api.postJson("/v1/jobs", key, ""), 400, "malformed-request");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"nerf-magic\"}"), 400, "unknown-job-type");
        expect(api.postJson("/v1/jobs", key, "{\"prompt\":\"a cube\"}"), 400, "unknown-job-type");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\"}"), 400, "missing-prompt");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":42}"), 400, "invalid-parameter");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"" + "x".repeat(501) + "\"}"),
                400, "prompt-too-long");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a\",\"priority\":\"high\"}"),
                400, "invalid-parameter");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"photos-to-splat\"}"), 400, "missing-images");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"pad\":\"" + "x".repeat(70_000) + "\"}"),
                413, "payload-too-large");
        expect(api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a\"}",
                Map.of("Idempotency-Key", "k".repeat(300))), 400, "invalid-parameter");
        expect(api.send("POST", "/v1/jobs", key, Map.of("Content-Type", "text/plain"),
                HttpRequest.BodyPublishers.ofString("make me a cube")), 415, "unsupported-media-type");
        assertNoJobs();
    }

    @Test
    void photoUploads() {
        expect(upload(new Multipart().field("type", "photos-to-splat")), 400, "missing-images");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "notes.txt", "text/plain", "hello".getBytes())), 400, "not-an-image");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1))
                .file("images", "b.jpg", "image/jpeg", TestImages.truncated(TestImages.jpeg(2)))), 400, "corrupt-image");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "c.png", "image/png", TestImages.truncated(TestImages.png(3)))), 400, "corrupt-image");
        byte[] fake = new byte[2000];
        fake[0] = (byte) 0xFF;
        fake[1] = (byte) 0xD8;
        fake[2] = (byte) 0xFF;
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "d.jpg", "image/jpeg", fake)), 400, "corrupt-image");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1))
                .file("images", "dir/a.jpg", "image/jpeg", TestImages.jpeg(2))), 400, "duplicate-input");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("photos", "a.jpg", "image/jpeg", TestImages.jpeg(1))), 400, "invalid-parameter");
        expect(upload(new Multipart().field("type", "splat-everything")
                .file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1))), 400, "unknown-job-type");
        expect(upload(new Multipart().field("type", "text-to-3d").field("prompt", "y".repeat(600))), 400,
                "prompt-too-long");
        expect(upload(new Multipart().field("type", "text-to-3d").field("prompt", "y".repeat(20_000))), 400,
                "prompt-too-long");
        // Over spring.servlet.multipart.max-file-size (3MB in tests).
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("images", "huge.jpg", "image/jpeg", new byte[3_500_000])), 413, "payload-too-large");
        assertNoJobs();
    }

    @Test
    void zipArchives() {
        expect(archive(Map.of("../../etc/evil.jpg", TestImages.jpeg(1))), 400, "unsafe-archive-entry");
        expect(archive(Map.of("ok/../../evil.jpg", TestImages.jpeg(1))), 400, "unsafe-archive-entry");
        expect(archive(Map.of("/abs/evil.jpg", TestImages.jpeg(1))), 400, "unsafe-archive-entry");
        expect(archive(Map.of("a.jpg", TestImages.jpeg(1), "tool.exe", new byte[] {77, 90})), 400,
                "unsupported-archive-entry");
        expect(archive(Map.of("a.jpg", TestImages.truncated(TestImages.jpeg(1)))), 400, "corrupt-image");
        expect(archive(Map.of("readme.txt", "no photos".getBytes())), 400, "missing-images");
        // 5 MB of zeros compresses to a few KB but expands past the 4 MB test limit.
        var bomb = new LinkedHashMap<String, byte[]>();
        bomb.put("a.jpg", TestImages.jpeg(1));
        bomb.put("big.txt", new byte[5 * 1024 * 1024]);
        expect(archive(bomb), 413, "archive-too-large");
        expect(upload(new Multipart().field("type", "photos-to-splat")
                .file("archive", "photos.zip", "application/zip", "this is not a zip".getBytes())), 400,
                "invalid-archive");
        assertNoJobs();
    }

    @Test
    void idsPathsAndMethods() {
        expect(api.get("/v1/jobs/not-a-uuid", key), 404, "not-found");
        expect(api.get("/v1/jobs/00000000-0000-0000-0000-000000000000", key), 404, "not-found");
        expect(api.get("/v1/jobs/00000000-0000-0000-0000-000000000000/artifacts", key), 404, "not-found");
        Res unknown = api.unchecked().get("/v1/nothing-here", key);
        assertProblem(unknown, 404, "not-found");
        Res method = api.unchecked().send("DELETE", "/v1/jobs", key, Map.of(), null);
        assertProblem(method, 405, "method-not-allowed");
    }

    @Test
    void workerProtocol() {
        String jobId = api.createTextJob(key, "a cube").json().path("id").asString();
        expect(api.workerPost("/v1/worker/lease", Map.of("workerId", "w", "waitSeconds", 99)), 400,
                "invalid-parameter");
        expect(api.workerPost("/v1/worker/lease", Map.of("waitSeconds", 0)), 400, "invalid-parameter");
        expect(api.workerPost("/v1/worker/lease", Map.of("workerId", "w", "jobTypes", java.util.List.of("x"))), 400,
                "unknown-job-type");
        expect(api.send("POST", "/v1/worker/lease", WORKER_TOKEN, Map.of("Content-Type", "application/json"),
                HttpRequest.BodyPublishers.ofString("{\"workerId\":")), 400, "malformed-request");
        expect(api.workerPost("/v1/worker/jobs/" + jobId + "/complete", Map.of("metrics", Map.of())), 400,
                "missing-lease-token");
        expect(api.workerPost("/v1/worker/jobs/" + jobId + "/heartbeat", Map.of("leaseToken", 1, "progress", 7)), 400,
                "invalid-parameter");
        expect(api.send("GET", "/v1/worker/jobs/" + jobId + "/inputs/images/a.jpg", WORKER_TOKEN, Map.of(), null), 400,
                "missing-lease-token");
        expect(api.send("PUT", "/v1/worker/jobs/" + jobId + "/artifacts/x.bin", WORKER_TOKEN,
                Map.of("X-Lease-Token", "abc", "Content-Type", "application/octet-stream"),
                HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})), 400, "invalid-parameter");
        // A token for a job that is not RUNNING is stale.
        expect(api.workerPost("/v1/worker/jobs/" + jobId + "/complete", Map.of("leaseToken", 123456)), 409,
                "stale-lease");
        drainQueue();
    }

    private Res upload(Multipart m) {
        return api.postMultipart(key, m, Map.of());
    }

    private Res archive(Map<String, byte[]> entries) {
        return upload(new Multipart().field("type", "photos-to-splat")
                .file("archive", "photos.zip", "application/zip", TestImages.zip(entries)));
    }

    private static void expect(Res r, int status, String type) {
        assertProblem(r, status, type);
    }

    private static void assertProblem(Res r, int status, String type) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.status()).as(body).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.problemType()).as(body).isEqualTo(type);
        assertThat(r.json().path("detail").asString()).isNotBlank();
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.forge3d");
    }

    private void assertNoJobs() {
        assertThat(api.get("/v1/jobs", key).json().path("items")).isEmpty();
    }
}
