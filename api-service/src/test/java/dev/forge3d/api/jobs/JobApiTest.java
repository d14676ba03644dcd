package dev.forge3d.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The public job API end to end over HTTP: uploads, idempotency, paging, isolation, downloads, events. */
class JobApiTest extends ApiTestBase {

    @Test
    void photoUploadIsStoredAndReachesTheWorker() throws Exception {
        String key = newTenantKey("photos");
        drainQueue();
        byte[] a = TestImages.jpeg(1);
        byte[] b = TestImages.png(2);
        var m = new Multipart().field("type", "photos-to-splat").field("preset", "preview")
                .file("images", "a.jpg", "image/jpeg", a).file("images", "sub/b.png", "image/png", b);
        var r = api.postMultipart(key, m, Map.of());
        assertThat(r.status()).isEqualTo(202);
        JsonNode job = r.json();
        assertThat(r.header("Location")).isEqualTo("/v1/jobs/" + job.path("id").asString());
        assertThat(job.path("state").asString()).isEqualTo("QUEUED");
        assertThat(job.path("inputCount").asInt()).isEqualTo(2);
        assertThat(job.path("params").path("preset").asString()).isEqualTo("preview");

        JsonNode lease = api.lease("w", 0, 30).json();
        assertThat(lease.path("params").path("preset").asString()).isEqualTo("preview");
        assertThat(lease.path("inputs")).hasSize(2);
        JsonNode in = lease.path("inputs").get(0);
        assertThat(in.path("name").asString()).isEqualTo("images/a.jpg");
        assertThat(in.path("sha256").asString()).isEqualTo(sha256(a));
        assertThat(lease.path("inputs").get(1).path("name").asString()).isEqualTo("images/b.png");
        var got = api.workerGet("/v1/worker/jobs/" + lease.path("jobId").asString() + "/inputs/images/b.png",
                lease.path("leaseToken").asLong());
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(b);
    }

    @Test
    void zipArchiveIsExtractedIntoImages() {
        String key = newTenantKey("zip");
        byte[] zip = TestImages.zip(new LinkedHashMap<>(Map.of("scene/IMG_1.JPG", TestImages.jpeg(3),
                "scene/IMG_2.png", TestImages.png(4), "scene/transforms.json", "{\"frames\":[]}".getBytes(),
                "__MACOSX/._IMG_1.JPG", new byte[] {1, 2})));
        var r = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("archive", "photos.zip", "application/zip", zip), Map.of());
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().path("inputCount").asInt()).isEqualTo(3);
        List<String> names = jdbc.sql("select name from job_inputs where job_id = cast(:id as uuid) order by name")
                .param("id", r.json().path("id").asString()).query(String.class).list();
        assertThat(names).containsExactly("images/IMG_1.JPG", "images/IMG_2.png", "scene/transforms.json");
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheSameJobAndAnotherBodyConflicts() {
        String key = newTenantKey("idem");
        Map<String, String> h = Map.of("Idempotency-Key", "order-42");
        var first = api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"seed\":7}", h);
        var again = api.postJson("/v1/jobs", key, "{\"seed\":7, \"prompt\":\"a red cube\", \"type\":\"text-to-3d\"}", h);
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("id").asString()).isEqualTo(first.json().path("id").asString());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");

        var other = api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a blue cube\"}", h);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.problemType()).isEqualTo("idempotency-key-reused");

        // Keys are per tenant: another tenant may use the same key for its own job.
        String otherTenant = newTenantKey("idem2");
        var theirs = api.postJson("/v1/jobs", otherTenant, "{\"type\":\"text-to-3d\",\"prompt\":\"a blue cube\"}", h);
        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.json().path("id").asString()).isNotEqualTo(first.json().path("id").asString());

        // Multipart with the same photos and key is the same job too.
        Map<String, String> h2 = Map.of("Idempotency-Key", "upload-1");
        byte[] img = TestImages.jpeg(9);
        var m1 = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "x.jpg", "image/jpeg", img), h2);
        var m2 = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "x.jpg", "image/jpeg", img), h2);
        var m3 = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "x.jpg", "image/jpeg", TestImages.jpeg(10)), h2);
        assertThat(m2.json().path("id").asString()).isEqualTo(m1.json().path("id").asString());
        assertThat(m3.status()).isEqualTo(409);
    }

    @Test
    void listingPagesNewestFirstWithCursorAndStateFilter() {
        String key = newTenantKey("pages");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 25; i++) created.add(api.createTextJob(key, "job " + i).json().path("id").asString());
        String canceled = created.get(3);
        api.send("POST", "/v1/jobs/" + canceled + "/cancel", key, Map.of(), null);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = api.get("/v1/jobs?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), key).json();
            seen.addAll(ApiClient.ids(page));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created.reversed());

        var onlyCanceled = api.get("/v1/jobs?state=CANCELED", key).json();
        assertThat(ApiClient.ids(onlyCanceled)).containsExactly(canceled);
        assertThat(api.get("/v1/jobs?limit=0", key).status()).isEqualTo(400);
        assertThat(api.get("/v1/jobs?state=DONE", key).problemType()).isEqualTo("invalid-parameter");
        assertThat(api.get("/v1/jobs?cursor=garbage", key).problemType()).isEqualTo("invalid-parameter");
    }

    @Test
    void tenantsNeverSeeEachOthersJobs() {
        String alice = newTenantKey("alice");
        String bob = newTenantKey("bob");
        String aliceJob = finishedJobWithArtifact(alice, "scene.ply", "application/octet-stream", new byte[] {1, 2, 3});
        for (String path : List.of("/v1/jobs/" + aliceJob, "/v1/jobs/" + aliceJob + "/artifacts",
                "/v1/jobs/" + aliceJob + "/artifacts/scene.ply", "/v1/jobs/" + aliceJob + "/events")) {
            var r = api.get(path, bob);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.problemType()).isEqualTo("not-found");
        }
        assertThat(api.send("POST", "/v1/jobs/" + aliceJob + "/cancel", bob, Map.of(), null).status()).isEqualTo(404);
        assertThat(ApiClient.ids(api.get("/v1/jobs?limit=200", bob).json())).doesNotContain(aliceJob);
        assertThat(api.get("/v1/jobs/" + aliceJob, alice).status()).isEqualTo(200);
    }

    @Test
    void artifactsDownloadWithRangesAndContentTypes() throws Exception {
        String key = newTenantKey("ranges");
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        String jobId = finishedJobWithArtifact(key, "cameras/images.txt", "text/plain", data);

        var list = api.get("/v1/jobs/" + jobId + "/artifacts", key).json().path("items");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("sha256").asString()).isEqualTo(sha256(data));
        assertThat(list.get(0).path("size").asLong()).isEqualTo(10_000);

        var full = api.get("/v1/jobs/" + jobId + "/artifacts/cameras/images.txt", key);
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.body()).isEqualTo(data);
        assertThat(full.header("Content-Type")).startsWith("text/plain");
        assertThat(full.header("Accept-Ranges")).isEqualTo("bytes");

        var part = api.get("/v1/jobs/" + jobId + "/artifacts/cameras/images.txt", key, Map.of("Range", "bytes=100-199"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 100-199/10000");
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));

        var tail = api.get("/v1/jobs/" + jobId + "/artifacts/cameras/images.txt", key, Map.of("Range", "bytes=-10"));
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 9990, 10000));

        var outside = api.get("/v1/jobs/" + jobId + "/artifacts/cameras/images.txt", key, Map.of("Range", "bytes=20000-"));
        assertThat(outside.status()).isEqualTo(416);
        assertThat(outside.header("Content-Range")).isEqualTo("bytes */10000");
        assertThat(outside.problemType()).isEqualTo("range-not-satisfiable");

        String png = finishedJobWithArtifact(key, "preview.png", "application/octet-stream", TestImages.png(1));
        assertThat(api.get("/v1/jobs/" + png + "/artifacts/preview.png", key).header("Content-Type"))
                .isEqualTo("image/png");
        String glb = finishedJobWithArtifact(key, "mesh.glb", null, new byte[] {0x67, 0x6C, 0x54, 0x46});
        assertThat(api.get("/v1/jobs/" + glb + "/artifacts/mesh.glb", key).header("Content-Type"))
                .isEqualTo("model/gltf-binary");
        assertThat(api.get("/v1/jobs/" + glb + "/artifacts/missing.bin", key).status()).isEqualTo(404);
    }

    @Test
    void eventsStreamFollowsTheJobUntilItFinishes() throws Exception {
        String key = newTenantKey("sse");
        drainQueue();
        String jobId = api.createTextJob(key, "a cube").json().path("id").asString();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.base() + "/v1/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<String>> states = CompletableFuture.supplyAsync(() -> {
            List<String> out = new ArrayList<>();
            try (var r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        JsonNode job = ApiClient.JSON.readTree(line.substring(5).trim());
                        out.add(job.path("state").asString() + ":" + job.path("stage").asString(""));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        });
        Thread.sleep(300);
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        Thread.sleep(300);
        api.heartbeat(jobId, token, "train", 0.5);
        Thread.sleep(300);
        api.complete(jobId, token);
        List<String> seen = states.get(15, TimeUnit.SECONDS);
        assertThat(seen.getFirst()).startsWith("QUEUED");
        assertThat(seen).contains("RUNNING:train");
        assertThat(seen.getLast()).startsWith("SUCCEEDED");
    }

    @Test
    void healthIsOpenAndMetricsTakeTheWorkerToken() {
        var health = api.unchecked().get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        assertThat(api.unchecked().get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(api.unchecked().get("/actuator/metrics/http.server.requests", null).status()).isEqualTo(401);
        var metrics = api.unchecked().get("/actuator/metrics/http.server.requests", WORKER_TOKEN);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.json().path("measurements").get(0).path("value").asDouble()).isPositive();
    }

    /** A SUCCEEDED job of the tenant with one artifact, run through the worker protocol. */
    private String finishedJobWithArtifact(String key, String name, String type, byte[] data) {
        drainQueue();
        String jobId = api.createTextJob(key, "artifact " + name).json().path("id").asString();
        JsonNode lease = api.lease("w", 0, 30).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(jobId);
        long token = lease.path("leaseToken").asLong();
        var put = api.putArtifact(jobId, token, name, type == null ? "application/octet-stream" : type, data);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().path("sha256").asString()).isEqualTo(sha256(data));
        // Not visible before completion.
        assertThat(api.get("/v1/jobs/" + jobId + "/artifacts", key).json().path("items")).isEmpty();
        assertThat(api.complete(jobId, token).status()).isEqualTo(200);
        return jobId;
    }

    static String sha256(byte[] b) throws RuntimeException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
