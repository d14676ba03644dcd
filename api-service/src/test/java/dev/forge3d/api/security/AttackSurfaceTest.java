package dev.forge3d.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.RawHttpClient;
import dev.forge3d.api.support.RawHttpClient.Response;
import dev.forge3d.api.support.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The API attacked as an attacker would, over raw sockets so that nothing normalises the requests first: path
 * tricks on every credential, credential mix-ups on every route, other tenants' ids, malformed and truncated
 * bodies, every option out of range, archive bombs, huge headers. Every request must be answered 4xx
 * problem+json (or its documented 2xx) without a 5xx, a stack trace or a class name, and must leave nothing
 * behind: no job row, no blob, no spooled upload, and the queued job of the victim tenant untouched (never
 * leased, never cancelled).
 */
class AttackSurfaceTest extends ApiTestBase {
    private static final String ZERO_ID = "00000000-0000-0000-0000-000000000000";

    private RawHttpClient raw;
    private String victimKey;
    private String attackerKey;
    private String victimJob;
    private String victimEndpoint;
    private String victimShare;
    private String victimStreamToken;

    /** One attack: the request, the statuses it may get and, for refusals, the problem type it must carry. */
    private record Attack(String name, Supplier<Response> send, Set<Integer> statuses, String type, boolean creates) {}

    @TestFactory
    Stream<DynamicTest> attacks() {
        raw = new RawHttpClient(port);
        drainQueue();
        victimKey = newTenantKey("victim");
        attackerKey = newTenantKey("attacker");
        victimJob = api.createTextJob(victimKey, "a red cube").json().path("id").asString();
        api.postJson("/v1/webhook-secrets", victimKey, "");
        victimEndpoint = api.postJson("/v1/webhook-endpoints", victimKey, "{\"url\":\"http://127.0.0.1:9/victim\"}")
                .json().path("id").asString();
        victimShare = api.postJson("/v1/jobs/" + victimJob + "/shares", victimKey, "{}").json().path("token").asString();
        victimStreamToken = api.send("POST", "/v1/jobs/" + victimJob + "/stream-tokens", victimKey, Map.of(), null)
                .json().path("token").asString();
        List<Attack> all = new ArrayList<>();
        pathTricks(all);
        credentialMixUps(all);
        otherTenants(all);
        jsonBodies(all);
        multipartBodies(all);
        archives(all);
        queries(all);
        artifactNameQueries(all);
        headersAndMethods(all);
        webhooks(all);
        browserCredentials(all);
        assertThat(all).hasSizeGreaterThanOrEqualTo(100);
        assertThat(all.stream().map(Attack::name).distinct().count()).isEqualTo(all.size());
        return all.stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> run(a)));
    }

    // ---- the corpus

    private void pathTricks(List<Attack> out) {
        String lease = "{\"workerId\":\"attacker\",\"waitSeconds\":0}";
        List<String> paths = List.of("/v1/%77orker/lease", "/v1;x/worker/lease", "/v1/worker;x/lease",
                "/v1/worker/lease;jsessionid=1", "/v1//worker/lease", "//v1/worker/lease", "/v1/jobs/../worker/lease",
                "/v1/./worker/lease", "/v1/worker%2flease", "/v1%2Fworker%2Flease", "/v1/%2e%2e/v1/worker/lease",
                "/v1/worker/lease%00", "/v1/worker/lease/", "/%76%31/worker/lease", "/v1/w%6Frker/lease",
                "/v1/worker/lease%20", "/v1/worker/./lease");
        Map<String, String> creds = new LinkedHashMap<>();
        creds.put("no key", null);
        creds.put("tenant key", "attacker");
        creds.put("worker token", WORKER_TOKEN);
        for (String p : paths) {
            for (var c : creds.entrySet()) {
                out.add(new Attack("path " + p + " with " + c.getKey(),
                        () -> send("POST", p, cred(c.getValue()), json(), lease), Set.of(400), null, false));
            }
        }
        out.add(new Attack("backslash path", () -> send("POST", "/v1\\worker/lease", attackerKey, json(), lease),
                Set.of(400), null, false));
        out.add(new Attack("tenant path with ; on a job id", () -> send("GET", "/v1/jobs/" + victimJob + ";x",
                attackerKey, Map.of(), null), Set.of(400), "non-canonical-path", false));
        out.add(new Attack("encoded tenant path", () -> send("GET", "/v1/%6aobs", attackerKey, Map.of(), null),
                Set.of(400), "non-canonical-path", false));
        out.add(new Attack("encoded actuator path", () -> send("GET", "/actuator/%6detrics", null, Map.of(), null),
                Set.of(400), "non-canonical-path", false));
        out.add(new Attack("actuator with ; parameter", () -> send("GET", "/actuator;x/metrics", null, Map.of(), null),
                Set.of(400), "non-canonical-path", false));
    }

    private void credentialMixUps(List<Attack> out) {
        String job = "/v1/worker/jobs/" + victimJob;
        Map<String, String[]> workerRoutes = new LinkedHashMap<>();
        workerRoutes.put("lease", new String[] {"POST", "/v1/worker/lease", "{\"workerId\":\"x\",\"waitSeconds\":0}"});
        workerRoutes.put("heartbeat", new String[] {"POST", job + "/heartbeat", "{\"leaseToken\":1}"});
        workerRoutes.put("inputs", new String[] {"GET", job + "/inputs/images/a.jpg", null});
        workerRoutes.put("put artifact", new String[] {"PUT", job + "/artifacts/x.bin", "xx"});
        workerRoutes.put("put checkpoint", new String[] {"PUT", job + "/checkpoints/c.bin", "xx"});
        workerRoutes.put("get checkpoint", new String[] {"GET", job + "/checkpoints/c.bin", null});
        workerRoutes.put("complete", new String[] {"POST", job + "/complete", "{\"leaseToken\":1}"});
        workerRoutes.put("fail", new String[] {"POST", job + "/fail", "{\"leaseToken\":1}"});
        workerRoutes.put("canceled", new String[] {"POST", job + "/canceled", "{\"leaseToken\":1}"});
        for (var r : workerRoutes.entrySet()) {
            String[] m = r.getValue();
            Map<String, String> h = Map.of("Content-Type", "application/json", "X-Lease-Token", "1");
            out.add(new Attack("tenant key on worker " + r.getKey(), () -> send(m[0], m[1], attackerKey, h, m[2]),
                    Set.of(401), "unauthorized", false));
            out.add(new Attack("victim's key on worker " + r.getKey(), () -> send(m[0], m[1], victimKey, h, m[2]),
                    Set.of(401), "unauthorized", false));
            out.add(new Attack("no key on worker " + r.getKey(), () -> send(m[0], m[1], null, h, m[2]),
                    Set.of(401), "unauthorized", false));
        }
        Map<String, String[]> tenantRoutes = new LinkedHashMap<>();
        tenantRoutes.put("list", new String[] {"GET", "/v1/jobs", null});
        tenantRoutes.put("create", new String[] {"POST", "/v1/jobs", "{\"type\":\"text-to-3d\",\"prompt\":\"a cube\"}"});
        tenantRoutes.put("get", new String[] {"GET", "/v1/jobs/" + victimJob, null});
        tenantRoutes.put("cancel", new String[] {"POST", "/v1/jobs/" + victimJob + "/cancel", null});
        tenantRoutes.put("artifacts", new String[] {"GET", "/v1/jobs/" + victimJob + "/artifacts", null});
        tenantRoutes.put("artifact", new String[] {"GET", "/v1/jobs/" + victimJob + "/artifacts/scene.ply", null});
        tenantRoutes.put("events", new String[] {"GET", "/v1/jobs/" + victimJob + "/events", null});
        for (var r : tenantRoutes.entrySet()) {
            String[] m = r.getValue();
            out.add(new Attack("worker token on tenant " + r.getKey(), () -> send(m[0], m[1], WORKER_TOKEN, json(), m[2]),
                    Set.of(401), "unauthorized", false));
            out.add(new Attack("no key on tenant " + r.getKey(), () -> send(m[0], m[1], null, json(), m[2]),
                    Set.of(401), "unauthorized", false));
        }
        out.add(new Attack("scheme without token", () -> sendAuth("GET", "/v1/jobs", "Bearer ", null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("basic auth", () -> sendAuth("GET", "/v1/jobs", "Basic dXNlcjpwYXNz", null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("key with a suffix", () -> sendAuth("GET", "/v1/jobs", "Bearer " + attackerKey + "x", null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("worker token with a suffix",
                () -> sendAuth("POST", "/v1/worker/lease", "Bearer " + WORKER_TOKEN + "x", "{\"workerId\":\"x\"}"),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("very long key", () -> sendAuth("GET", "/v1/jobs", "Bearer " + "k".repeat(6000), null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("two Authorization headers", () -> exchange("GET /v1/jobs HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + attackerKey + "\r\nAuthorization: Bearer "
                + WORKER_TOKEN, null), Set.of(401), "unauthorized", false));
        out.add(new Attack("key in the query instead of the header",
                () -> send("GET", "/v1/jobs?access_token=" + attackerKey, null, Map.of(), null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("metrics without a key", () -> send("GET", "/actuator/metrics", null, Map.of(), null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("metrics with a tenant key", () -> send("GET", "/actuator/metrics", attackerKey, Map.of(), null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("metrics with the worker token",
                () -> send("GET", "/actuator/metrics", WORKER_TOKEN, Map.of(), null), Set.of(200), null, false));
        out.add(new Attack("health is open", () -> send("GET", "/actuator/health", null, Map.of(), null),
                Set.of(200), null, false));
        out.add(new Attack("the error page asked for directly", () -> send("GET", "/error", attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
    }

    private void otherTenants(List<Attack> out) {
        String j = "/v1/jobs/" + victimJob;
        out.add(new Attack("other tenant's job", () -> send("GET", j, attackerKey, Map.of(), null), Set.of(404),
                "not-found", false));
        out.add(new Attack("other tenant's cancel", () -> send("POST", j + "/cancel", attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
        out.add(new Attack("other tenant's artifacts", () -> send("GET", j + "/artifacts", attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
        out.add(new Attack("other tenant's artifact file",
                () -> send("GET", j + "/artifacts/scene.ply", attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("other tenant's artifact by name",
                () -> send("GET", j + "/artifact?name=scene.ply", attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("other tenant's events", () -> send("GET", j + "/events", attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
        out.add(new Attack("unknown job id", () -> send("GET", "/v1/jobs/" + ZERO_ID, attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
        out.add(new Attack("job id not a uuid", () -> send("GET", "/v1/jobs/" + "9".repeat(40), attackerKey, Map.of(), null),
                Set.of(404), "not-found", false));
    }

    private void webhooks(List<Attack> out) {
        String t = "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"callbackUrl\":";
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("ftp scheme", "\"ftp://127.0.0.1/x\"");
        urls.put("javascript scheme", "\"javascript:alert(1)\"");
        urls.put("file scheme", "\"file:///etc/passwd\"");
        urls.put("relative", "\"/v1/worker/lease\"");
        urls.put("user info", "\"http://admin:pw@127.0.0.1/\"");
        urls.put("port out of range", "\"http://127.0.0.1:99999/\"");
        urls.put("port 0", "\"http://127.0.0.1:0/\"");
        urls.put("unclosed IPv6 bracket", "\"http://[::1/\"");
        urls.put("CRLF header injection", "\"http://127.0.0.1/x\\r\\nX-Evil: 1\"");
        urls.put("3000 characters", "\"http://127.0.0.1/" + "a".repeat(3000) + "\"");
        urls.put("host that does not resolve", "\"http://forge3d-no-such-host.invalid/\"");
        urls.put("empty", "\"\"");
        for (var u : urls.entrySet()) {
            out.add(new Attack("JSON callbackUrl " + u.getKey(), () -> send("POST", "/v1/jobs", attackerKey, json(),
                    t + u.getValue() + "}"), Set.of(400), "callback-url-not-allowed", false));
        }
        out.add(new Attack("JSON callbackUrl is a number", () -> send("POST", "/v1/jobs", attackerKey, json(),
                t + "42}"), Set.of(400), "invalid-parameter", false));
        out.add(new Attack("JSON callbackUrl is an array", () -> send("POST", "/v1/jobs", attackerKey, json(),
                t + "[\"http://127.0.0.1/\"]}"), Set.of(400), "invalid-parameter", false));
        out.add(new Attack("JSON callbackUrl without a webhook secret", () -> send("POST", "/v1/jobs", attackerKey,
                json(), t + "\"http://127.0.0.1:9/x\"}"), Set.of(400), "webhook-secret-missing", false));
        out.add(new Attack("multipart callbackUrl gopher", () -> sendMultipart(photo().field("callbackUrl",
                "gopher://127.0.0.1:6379/_FLUSHALL")), Set.of(400), "callback-url-not-allowed", false));
        out.add(new Attack("multipart callbackUrl given twice", () -> sendMultipart(photo()
                .field("callbackUrl", "http://127.0.0.1:9/a").field("callbackUrl", "http://127.0.0.1:9/b")),
                Set.of(400), "invalid-parameter", false));
        String d = "/v1/jobs/" + victimJob + "/deliveries";
        out.add(new Attack("other tenant's deliveries", () -> send("GET", d, attackerKey, Map.of(), null), Set.of(404),
                "not-found", false));
        out.add(new Attack("deliveries of an unknown job", () -> send("GET", "/v1/jobs/" + ZERO_ID + "/deliveries",
                attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("deliveries with the worker token", () -> send("GET", d, WORKER_TOKEN, Map.of(), null),
                Set.of(401), "unauthorized", false));
        out.add(new Attack("other tenant's webhook endpoint deleted", () -> send("DELETE", "/v1/webhook-endpoints/"
                + victimEndpoint, attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("webhook endpoint id not a uuid", () -> send("DELETE", "/v1/webhook-endpoints/"
                + "9".repeat(50), attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("webhook secret with the worker token", () -> send("POST", "/v1/webhook-secrets",
                WORKER_TOKEN, Map.of(), null), Set.of(401), "unauthorized", false));
        out.add(new Attack("webhook secret without a key", () -> send("POST", "/v1/webhook-secrets", null, Map.of(),
                null), Set.of(401), "unauthorized", false));
        Map<String, String[]> endpoints = new LinkedHashMap<>();
        endpoints.put("no url", new String[] {"{}", "invalid-parameter"});
        endpoints.put("url a number", new String[] {"{\"url\":1}", "invalid-parameter"});
        endpoints.put("unknown field", new String[] {"{\"url\":\"http://127.0.0.1:9/\",\"secret\":\"x\"}",
                "invalid-parameter"});
        endpoints.put("unknown event", new String[] {"{\"url\":\"http://127.0.0.1:9/\",\"events\":[\"job.*\"]}",
                "invalid-parameter"});
        endpoints.put("empty events", new String[] {"{\"url\":\"http://127.0.0.1:9/\",\"events\":[]}",
                "invalid-parameter"});
        endpoints.put("events a string", new String[] {"{\"url\":\"http://127.0.0.1:9/\",\"events\":\"job.failed\"}",
                "invalid-parameter"});
        endpoints.put("ftp url", new String[] {"{\"url\":\"ftp://127.0.0.1/\"}", "callback-url-not-allowed"});
        endpoints.put("no webhook secret", new String[] {"{\"url\":\"http://127.0.0.1:9/\"}", "webhook-secret-missing"});
        endpoints.put("JSON array", new String[] {"[]", "malformed-request"});
        endpoints.put("truncated JSON", new String[] {"{\"url\":", "malformed-request"});
        endpoints.put("duplicate url key", new String[] {"{\"url\":\"http://a/\",\"url\":\"http://b/\"}",
                "malformed-request"});
        endpoints.put("20 KB body", new String[] {"{\"url\":\"" + "x".repeat(20_000) + "\"}", "payload-too-large"});
        for (var e : endpoints.entrySet()) {
            String[] v = e.getValue();
            out.add(new Attack("webhook endpoint " + e.getKey(), () -> send("POST", "/v1/webhook-endpoints",
                    attackerKey, json(), v[0]), Set.of(v[1].equals("payload-too-large") ? 413 : 400), v[1], false));
        }
    }

    private void jsonBodies(List<Attack> out) {
        Map<String, String[]> bodies = new LinkedHashMap<>();
        String t = "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\"";
        // name -> {body, expected type}
        bodies.put("truncated JSON", new String[] {t, "malformed-request"});
        bodies.put("JSON array", new String[] {"[1,2]", "malformed-request"});
        bodies.put("JSON null", new String[] {"null", "malformed-request"});
        bodies.put("duplicate type key", new String[] {"{\"type\":\"text-to-3d\",\"type\":\"photos-to-splat\",\"prompt\":\"a\"}", "malformed-request"});
        bodies.put("type is a number", new String[] {"{\"type\":7,\"prompt\":\"a\"}", "unknown-job-type"});
        bodies.put("NUL escaped in prompt", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"a\\u0000b\"}", "invalid-parameter"});
        bodies.put("bell character in prompt", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"a\\u0007b\"}", "invalid-parameter"});
        bodies.put("lone surrogate in prompt", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"a\\ud800b\"}", "invalid-parameter"});
        bodies.put("prompt is an array", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":[\"a\"]}", "invalid-parameter"});
        bodies.put("prompt is an object", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":{\"a\":1}}", "invalid-parameter"});
        bodies.put("blank prompt", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"   \"}", "missing-prompt"});
        bodies.put("501-character prompt", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"" + "y".repeat(501) + "\"}", "prompt-too-long"});
        bodies.put("misspelt option", new String[] {t + ",\"iteration\":500}", "invalid-parameter"});
        bodies.put("photo option on a text job", new String[] {t + ",\"preset\":\"high\"}", "invalid-parameter"});
        String[][] options = {
                {"iterations", "\"abc\""}, {"iterations", "true"}, {"iterations", "[1]"}, {"iterations", "1.5"},
                {"iterations", "-1"}, {"iterations", "100001"}, {"iterations", "1e20"}, {"iterations", "0"},
                {"guidance", "-1"}, {"guidance", "\"x\""}, {"guidance", "1e400"}, {"guidance", "101"},
                {"guidance", "\"NaN\""}, {"attempts", "0"}, {"attempts", "11"}, {"attempts", "\"3x\""},
                {"seed", "1.5"}, {"seed", "100000000000000000000000000000"}, {"seed", "{}"},
                {"maxSeconds", "-1"}, {"maxSeconds", "3601"}, {"maxSeconds", "\"Infinity\""},
                {"backend", "\"tpu\""}, {"priority", "1e400"}, {"priority", "18446744073709551616"},
                {"priority", "true"}, {"priority", "[1]"}, {"priority", "1001"}};
        for (String[] o : options) {
            bodies.put("text-to-3d " + o[0] + "=" + o[1], new String[] {t + ",\"" + o[0] + "\":" + o[1] + "}", "invalid-parameter"});
        }
        bodies.put("photos job without photos", new String[] {"{\"type\":\"photos-to-splat\"}", "missing-images"});
        bodies.put("deeply nested JSON", new String[] {"{\"type\":\"text-to-3d\",\"prompt\":\"a\",\"x\":"
                + "[".repeat(5000) + "]".repeat(5000) + "}", "malformed-request"});
        bodies.put("70 KB body", new String[] {t + ",\"pad\":\"" + "x".repeat(70_000) + "\"}", "payload-too-large"});
        for (var b : bodies.entrySet()) {
            String[] v = b.getValue();
            out.add(new Attack("JSON " + b.getKey(), () -> send("POST", "/v1/jobs", attackerKey, json(), v[0]),
                    Set.of(v[1].equals("payload-too-large") ? 413 : 400), v[1], false));
        }
        out.add(new Attack("raw NUL byte in JSON", () -> send("POST", "/v1/jobs", attackerKey, json(),
                "{\"type\":\"text-to-3d\",\"prompt\":\"a\u0000b\"}"), Set.of(400), "malformed-request", false));
        out.add(new Attack("declared length of a terabyte", () -> exchange("POST /v1/jobs HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + attackerKey + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000000000", "{\"type\"".getBytes(StandardCharsets.UTF_8)),
                Set.of(413), "payload-too-large", false));
        out.add(new Attack("chunked JSON over the limit", () -> exchange("POST /v1/jobs HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + attackerKey + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked", chunked(("{\"type\":\"text-to-3d\",\"pad\":\"" + "x".repeat(80_000)
                + "\"}").getBytes(StandardCharsets.UTF_8))), Set.of(413), "payload-too-large", false));
        out.add(new Attack("body cut short of its length", () -> raw.exchange("POST /v1/jobs HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + attackerKey + "\r\nContent-Type: application/json\r\nContent-Length: 500",
                "{\"type\":\"text-to-3d\",".getBytes(StandardCharsets.UTF_8), true), Set.of(400), null, false));
        out.add(new Attack("text body", () -> send("POST", "/v1/jobs", attackerKey, Map.of("Content-Type", "text/plain"),
                "make me a cube"), Set.of(415), "unsupported-media-type", false));
    }

    private void multipartBodies(List<Attack> out) {
        byte[] jpg = TestImages.jpeg(1);
        Map<String, Multipart> forms = new LinkedHashMap<>();
        forms.put("text job with photos", new Multipart().field("type", "text-to-3d").field("prompt", "a cube")
                .file("images", "a.jpg", "image/jpeg", jpg));
        forms.put("field given twice", photo().field("preset", "preview").field("preset", "high"));
        forms.put("unknown option", photo().field("colour", "red"));
        forms.put("maxResolution too small", photo().field("maxResolution", "10"));
        forms.put("maxResolution too large", photo().field("maxResolution", "999999"));
        forms.put("sfmResolution too small", photo().field("sfmResolution", "100"));
        forms.put("sfmResolution not a number", photo().field("sfmResolution", "full"));
        forms.put("iterations 0", photo().field("iterations", "0"));
        forms.put("iterations not a number", photo().field("iterations", "many"));
        forms.put("unknown preset", photo().field("preset", "ultra"));
        forms.put("bad background", photo().field("background", "#zzzzzz"));
        forms.put("unknown output format", photo().field("outputFormats", "obj"));
        forms.put("seed with NUL", photo().field("seed", "1\u00002"));
        forms.put("backend tpu", photo().field("backend", "tpu"));
        forms.put("priority out of range", photo().field("priority", "99999"));
        forms.put("form field of 5000 characters", photo().field("background", "w".repeat(5000)));
        forms.put("a zip sent as an image", new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", TestImages.zip(Map.of("a.jpg", jpg))));
        forms.put("photos in an unknown part", new Multipart().field("type", "photos-to-splat")
                .file("pictures", "a.jpg", "image/jpeg", jpg));
        byte[] heic = new byte[64];
        System.arraycopy("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 0, heic, 0, 12);
        byte[] webp = new byte[64];
        System.arraycopy("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.ISO_8859_1), 0, webp, 0, 12);
        // HEIC is read (its container checked here, decoded by the worker); a damaged or oversized one is a 4xx.
        byte[] goodHeic = TestImages.heif("portrait-irot.heic");
        byte[] heicBomb = goodHeic.clone();
        int ispe = new String(heicBomb, StandardCharsets.ISO_8859_1).indexOf("ispe");
        java.nio.ByteBuffer.wrap(heicBomb, ispe + 8, 8).putInt(100_000).putInt(100_000);
        Map<String, Object[]> heics = new LinkedHashMap<>();
        heics.put("HEIC with no image", new Object[] {heic, 400, "corrupt-image"});
        heics.put("truncated HEIC", new Object[] {TestImages.truncated(goodHeic), 400, "corrupt-image"});
        heics.put("HEIC cut inside its image data", new Object[] {java.util.Arrays.copyOf(goodHeic, goodHeic.length - 1), 400, "corrupt-image"});
        heics.put("HEIC bomb (100000x100000 declared)", new Object[] {heicBomb, 413, "payload-too-large"});
        heics.put("AVIF photo", new Object[] {TestImages.heif("tiny.avif"), 415, "unsupported-media-type"});
        for (var h : heics.entrySet()) {
            byte[] body = (byte[]) h.getValue()[0];
            out.add(new Attack("multipart " + h.getKey(), () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                    .file("images", "IMG_0001.HEIC", "image/heic", body)), Set.of((Integer) h.getValue()[1]),
                    (String) h.getValue()[2], false));
            out.add(new Attack("zip holding a " + h.getKey(), () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                    .file("archive", "photos.zip", "application/zip", TestImages.zip(Map.of("IMG_0001.HEIC", body)))),
                    Set.of((Integer) h.getValue()[1]), (String) h.getValue()[2], false));
        }
        out.add(new Attack("multipart WebP photo", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", webp)), Set.of(415), "unsupported-media-type", false));
        // Videos: one per job, never with photos, and only a video container in the part.
        byte[] mp4 = new byte[64];
        System.arraycopy("\0\0\0\u0018ftypisom".getBytes(StandardCharsets.ISO_8859_1), 0, mp4, 0, 12);
        forms.put("two videos", new Multipart().field("type", "photos-to-splat").file("video", "a.mp4", "video/mp4", mp4)
                .file("video", "b.mp4", "video/mp4", mp4));
        forms.put("a video and photos", photo().file("video", "a.mp4", "video/mp4", mp4));
        forms.put("videoFrames too few", new Multipart().field("type", "photos-to-splat").field("videoFrames", "2")
                .file("video", "a.mp4", "video/mp4", mp4));
        forms.put("text job with a video", new Multipart().field("type", "text-to-3d").field("prompt", "a cube")
                .file("video", "a.mp4", "video/mp4", mp4));
        Map<String, byte[]> notVideos = new LinkedHashMap<>();
        notVideos.put("HEIC photo", heic);
        notVideos.put("JPEG photo", jpg);
        notVideos.put("text file", "just some text, not a video".getBytes(StandardCharsets.UTF_8));
        for (var v : notVideos.entrySet()) {
            out.add(new Attack("multipart video part holding a " + v.getKey(), () -> sendMultipart(new Multipart()
                    .field("type", "photos-to-splat").file("video", "clip.mp4", "video/mp4", v.getValue())),
                    Set.of(415), "unsupported-media-type", false));
        }
        for (var f : forms.entrySet()) {
            Multipart m = f.getValue();
            String expected = f.getKey().startsWith("a zip") ? "not-an-image" : "invalid-parameter";
            out.add(new Attack("multipart " + f.getKey(), () -> sendMultipart(m), Set.of(400), expected, false));
        }
        out.add(new Attack("multipart without a boundary", () -> send("POST", "/v1/jobs", attackerKey,
                Map.of("Content-Type", "multipart/form-data"), "--x\r\n"), Set.of(400), null, false));
        out.add(new Attack("multipart without its closing boundary", () -> {
            Multipart m = photo();
            byte[] b = m.bytes();
            return sendBytes("POST", "/v1/jobs", attackerKey, Map.of("Content-Type", m.contentType()),
                    Arrays.copyOf(b, b.length - 30));
        }, Set.of(400), null, false));
        out.add(new Attack("multipart cut short of its length", () -> {
            Multipart m = photo();
            byte[] b = m.bytes();
            return raw.exchange("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + attackerKey
                    + "\r\nContent-Type: " + m.contentType() + "\r\nContent-Length: " + b.length,
                    Arrays.copyOf(b, b.length / 2), true);
        }, Set.of(400), null, false));
        out.add(new Attack("300 photos in one job", () -> {
            Multipart m = new Multipart().field("type", "photos-to-splat");
            for (int i = 0; i < 300; i++) m.file("images", "p" + i + ".jpg", "image/jpeg", TestImages.jpeg(i));
            return sendMultipart(m);
        }, Set.of(202), null, true));
    }

    private void archives(List<Attack> out) {
        byte[] jpg = TestImages.jpeg(1);
        byte[] zip = TestImages.zip(Map.of("a.jpg", jpg, "b.jpg", TestImages.jpeg(2)));
        out.add(new Attack("truncated archive", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("archive", "p.zip", "application/zip", Arrays.copyOf(zip, zip.length - 40))),
                Set.of(400), "invalid-archive", false));
        out.add(new Attack("archive cut between entries", () -> {
            byte[] cut = Arrays.copyOf(zip, indexOf(zip, new byte[] {'P', 'K', 1, 2}));
            return sendMultipart(new Multipart().field("type", "photos-to-splat")
                    .file("archive", "p.zip", "application/zip", cut));
        }, Set.of(400), "invalid-archive", false));
        var bomb = new LinkedHashMap<String, byte[]>();
        bomb.put("a.jpg", jpg);
        bomb.put("zeros.txt", new byte[3 * 1024 * 1024]);
        out.add(new Attack("zip bomb by ratio (a skipped note)", () -> sendMultipart(new Multipart()
                .field("type", "photos-to-splat").file("archive", "p.zip", "application/zip", TestImages.zip(bomb))),
                Set.of(413), "archive-too-large", false));
        var half = new LinkedHashMap<String, byte[]>();
        half.put("a.jpg", jpg);
        half.put("noise.txt", noise(2_500_000));
        out.add(new Attack("two archives over the budget together", () -> {
            var other = new LinkedHashMap<String, byte[]>();
            other.put("b.jpg", TestImages.jpeg(2));
            other.put("noise.txt", noise(2_500_000));
            return sendMultipart(new Multipart().field("type", "photos-to-splat")
                    .file("archive", "p1.zip", "application/zip", TestImages.zip(half))
                    .file("archive", "p2.zip", "application/zip", TestImages.zip(other)));
        }, Set.of(413), "archive-too-large", false));
        out.add(new Attack("pose file over its cap", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("archive", "p.zip", "application/zip", TestImages.zip(Map.of("a.jpg", jpg,
                        "transforms.json", noise(100_000))))), Set.of(413), "payload-too-large", false));
        out.add(new Attack("executable in an archive", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("archive", "p.zip", "application/zip", TestImages.zip(Map.of("a.jpg", jpg,
                        "run.sh", "#!/bin/sh".getBytes())))), Set.of(400), "unsupported-archive-entry", false));
        out.add(new Attack("zip slip", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("archive", "p.zip", "application/zip", TestImages.zip(Map.of("../../x.jpg", jpg)))),
                Set.of(400), "unsafe-archive-entry", false));
        out.add(new Attack("archive of notes only", () -> sendMultipart(new Multipart().field("type", "photos-to-splat")
                .file("archive", "p.zip", "application/zip", TestImages.zip(Map.of("readme.md", "hi".getBytes())))),
                Set.of(400), "missing-images", false));
    }

    private void queries(List<Attack> out) {
        String epoch = Base64.getUrlEncoder().withoutPadding().encodeToString(("99999999999999999.0." + ZERO_ID)
                .getBytes(StandardCharsets.UTF_8));
        String farFuture = Base64.getUrlEncoder().withoutPadding().encodeToString(("9400000000000.0." + ZERO_ID)
                .getBytes(StandardCharsets.UTF_8));
        String beforeEpoch = Base64.getUrlEncoder().withoutPadding().encodeToString(("-99999999999.0." + ZERO_ID)
                .getBytes(StandardCharsets.UTF_8));
        List<String> qs = List.of("cursor=garbage", "cursor=" + epoch, "cursor=" + farFuture, "cursor=" + beforeEpoch, "cursor=%00", "limit=0", "limit=-1", "limit=201",
                "limit=abc", "limit=1e3", "limit=99999999999", "state=bogus", "state=%00", "limit=1&limit=2");
        for (String q : qs) {
            out.add(new Attack("list ?" + q, () -> send("GET", "/v1/jobs?" + q, attackerKey, Map.of(), null),
                    Set.of(400), "invalid-parameter", false));
        }
    }

    /** The artifact-by-name route decodes its query: names that are not artifact names are refused there. */
    private void artifactNameQueries(List<Attack> out) {
        String j = "/v1/jobs/" + victimJob + "/artifact";
        for (String q : List.of("name=../scene.ply", "name=%2e%2e%2fjob", "name=cameras%2F..%2F..%2Fx", "name=", "",
                "name=a%00b", "name=scene.ply&name=x", "name=a%2F%2Fb", "name=" + "a".repeat(301))) {
            out.add(new Attack("artifact by name ?" + (q.length() > 40 ? q.substring(0, 40) + "..." : q),
                    () -> send("GET", j + (q.isEmpty() ? "" : "?" + q), victimKey, Map.of(), null), Set.of(400),
                    "invalid-parameter", false));
        }
        out.add(new Attack("share link: artifact by name traversal", () -> send("GET", "/s/" + victimShare
                + "/artifact?name=..%2F..%2Fv1%2Fjobs", null, Map.of(), null), Set.of(400), "invalid-parameter", false));
    }

    private void headersAndMethods(List<Attack> out) {
        out.add(new Attack("20 KB header", () -> send("GET", "/v1/jobs", attackerKey, Map.of("X-Pad", "p".repeat(20_000)),
                null), Set.of(400, 431), null, false));
        out.add(new Attack("idempotency key of 300 characters", () -> send("POST", "/v1/jobs", attackerKey,
                Map.of("Content-Type", "application/json", "Idempotency-Key", "k".repeat(300)),
                "{\"type\":\"text-to-3d\",\"prompt\":\"a\"}"), Set.of(400), "invalid-parameter", false));
        out.add(new Attack("idempotency key with a tab", () -> send("POST", "/v1/jobs", attackerKey,
                Map.of("Content-Type", "application/json", "Idempotency-Key", "a\tb"),
                "{\"type\":\"text-to-3d\",\"prompt\":\"a\"}"), Set.of(400), "invalid-parameter", false));
        out.add(new Attack("PATCH on jobs", () -> send("PATCH", "/v1/jobs", attackerKey, json(), "{}"), Set.of(405),
                "method-not-allowed", false));
        out.add(new Attack("PUT on a job", () -> send("PUT", "/v1/jobs/" + victimJob, attackerKey, json(), "{}"),
                Set.of(405), "method-not-allowed", false));
        out.add(new Attack("GET on lease", () -> send("GET", "/v1/worker/lease", WORKER_TOKEN, Map.of(), null),
                Set.of(405), "method-not-allowed", false));
        out.add(new Attack("no Host header", () -> exchange("GET /v1/jobs HTTP/1.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + attackerKey, null), Set.of(400), null, false));
        out.add(new Attack("absolute-form target on the worker path", () -> exchange("POST http://127.0.0.1/v1;x/worker/lease"
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2",
                "{}".getBytes()), Set.of(400), null, false));
    }

    /** Share links and stream tokens used for anything but reading their own job; CORS from unlisted origins. */
    private void browserCredentials(List<Attack> out) {
        String lease = "{\"workerId\":\"attacker\",\"waitSeconds\":0}";
        String create = "{\"type\":\"text-to-3d\",\"prompt\":\"a cube\"}";
        String j = "/v1/jobs/" + victimJob;
        for (var cred : Map.of("share token", victimShare, "stream token", victimStreamToken).entrySet()) {
            String t = cred.getValue();
            String n = cred.getKey();
            out.add(new Attack(n + " as a key: list", () -> send("GET", "/v1/jobs", t, Map.of(), null), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " as a key: create", () -> send("POST", "/v1/jobs", t, json(), create), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " as a key: lease", () -> send("POST", "/v1/worker/lease", t, json(), lease), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " as a key: cancel", () -> send("POST", j + "/cancel", t, Map.of(), null), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " as a key: share", () -> send("POST", j + "/shares", t, json(), "{}"), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: list", () -> send("GET", "/v1/jobs?streamToken=" + t, null, Map.of(), null), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: job", () -> send("GET", j + "?streamToken=" + t, null, Map.of(), null), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: artifacts", () -> send("GET", j + "/artifacts?streamToken=" + t, null, Map.of(), null), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: create", () -> send("POST", "/v1/jobs?streamToken=" + t, null, json(), create), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: lease", () -> send("POST", "/v1/worker/lease?streamToken=" + t, null, json(), lease), Set.of(401), "unauthorized", false));
            out.add(new Attack(n + " in the query: worker inputs", () -> send("GET", "/v1/worker/jobs/" + victimJob
                    + "/inputs/images/a.jpg?streamToken=" + t, null, Map.of("X-Lease-Token", "1"), null), Set.of(401), "unauthorized", false));
        }
        out.add(new Attack("stream token of the victim for the attacker's list", () -> send("GET",
                "/v1/jobs?streamToken=" + victimStreamToken, attackerKey, Map.of(), null), Set.of(200), null, false));
        out.add(new Attack("stream token in a form body", () -> send("POST", j + "/cancel", null,
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "streamToken=" + victimStreamToken),
                Set.of(401), "unauthorized", false));
        String s = "/s/" + victimShare;
        out.add(new Attack("share link: POST on its job", () -> send("POST", s + "/job", null, json(), "{}"), Set.of(405), "method-not-allowed", false));
        out.add(new Attack("share link: DELETE itself", () -> send("DELETE", s, null, Map.of(), null), Set.of(405), "method-not-allowed", false));
        out.add(new Attack("share link: cancel under it", () -> send("POST", s + "/cancel", null, Map.of(), null), Set.of(404, 405), null, false));
        out.add(new Attack("share link: dot segments to the API", () -> send("GET", s + "/../../v1/jobs", null, Map.of(), null), Set.of(400), "non-canonical-path", false));
        out.add(new Attack("share link: encoded slash in artifact", () -> send("GET", s + "/artifacts/..%2f..%2fx", null, Map.of(), null), Set.of(400), null, false));
        out.add(new Attack("share link: artifact traversal", () -> send("GET", s + "/artifacts/../job", null, Map.of(), null), Set.of(400), "non-canonical-path", false));
        out.add(new Attack("share link: forged token", () -> send("GET", "/s/" + "A".repeat(43) + "/job", null, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("share link: token with a suffix", () -> send("GET", s + "x/job", null, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("share link: huge token", () -> send("GET", "/s/" + "A".repeat(5000) + "/job", null, Map.of(), null), Set.of(400), "non-canonical-path", false));
        out.add(new Attack("share link: a job id as the token", () -> send("GET", "/s/" + victimJob + "/job", null, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("share link: revoke it with the attacker's key", () -> send("DELETE", "/v1/shares/" + victimShare,
                attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("share link: list the victim's with the attacker's key", () -> send("GET", j + "/shares",
                attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("share link: stream token for the victim with the attacker's key", () -> send("POST",
                j + "/stream-tokens", attackerKey, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("unknown page without a key", () -> send("GET", "/admin", null, Map.of(), null), Set.of(404), "not-found", false));
        out.add(new Attack("preflight from an unlisted origin", () -> send("OPTIONS", "/v1/jobs", null,
                Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"), null),
                Set.of(403), "cors-refused", false));
        out.add(new Attack("preflight for the worker protocol's header", () -> send("OPTIONS", "/v1/worker/lease", null,
                Map.of("Origin", ALLOWED_ORIGIN, "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", "x-lease-token"), null), Set.of(403), "cors-refused", false));
    }

    /**
     * A refused request's body is never read: the server answers at once and closes the connection rather than
     * waiting for (or swallowing) gigabytes it has already refused.
     */
    @Test
    void refusedBodiesAreNeverRead() {
        raw = new RawHttpClient(port);
        String tenant = newTenantKey("bodies");
        String big = "\r\nContent-Type: application/json\r\nContent-Length: 10000000000";
        Response noKey = raw.exchange("POST /v1/jobs HTTP/1.1\r\nHost: x" + big, "{".getBytes());
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.serverClosed()).as("connection closed after a 401").isTrue();
        Response badPath = raw.exchange("POST /v1;x/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tenant
                + big, "{".getBytes());
        assertThat(badPath.status()).isEqualTo(400);
        assertThat(badPath.serverClosed()).as("connection closed after a refused path").isTrue();
        Response wrongKind = raw.exchange("POST /v1/worker/lease HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + tenant + big, "{".getBytes());
        assertThat(wrongKind.status()).isEqualTo(401);
        assertThat(wrongKind.serverClosed()).as("connection closed after a wrong credential").isTrue();
    }

    /** Text a worker reports (ids, stage, messages, reasons, metrics) with NUL and control characters: no 5xx. */
    @Test
    void workerReportsWithControlCharacters() {
        drainQueue();
        String key = newTenantKey("worker-text");
        String id = api.createTextJob(key, "a blue sphere").json().path("id").asString();
        assertThat(api.unchecked().lease("w\u0000x", 0, 30).status()).isEqualTo(400);
        assertThat(api.unchecked().lease("w", 0, 30, Map.of("backend", "cpu\u0000", "threads", 2,
                "memoryBytes", 1L << 30)).status()).isEqualTo(400);
        var lease = api.lease("worker-text", 0, 30);
        assertThat(lease.status()).isEqualTo(200);
        long token = lease.json().path("leaseToken").asLong();
        var hb = api.workerPost("/v1/worker/jobs/" + id + "/heartbeat", Map.of("leaseToken", token,
                "stage", "sfm\u0000", "message", "bad \u0000 byte \u0007", "progress", 0.5));
        assertThat(hb.status()).isEqualTo(200);
        var job = api.get("/v1/jobs/" + id, key).json();
        assertThat(job.path("stage").asString()).isEqualTo("sfm");
        assertThat(job.path("message").asString()).isEqualTo("bad  byte ");
        var done = api.workerPost("/v1/worker/jobs/" + id + "/complete", Map.of("leaseToken", token,
                "metrics", Map.of("note\u0000", List.of("a\u0000b"))));
        assertThat(done.status()).isEqualTo(200);
        assertThat(api.get("/v1/jobs/" + id, key).json().path("metrics").toString()).contains("\"note\":[\"ab\"]");
    }

    // ---- running one attack

    private void run(Attack a) throws IOException {
        Snapshot before = snapshot();
        Response r = a.send().get();
        String body = r.text();
        assertThat(r.status()).as(a.name() + ": " + body).isIn(a.statuses());
        assertThat(body).as(a.name()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.forge3d")
                .doesNotContain("java.").doesNotContain("org.apache").doesNotContain("springframework");
        if (r.status() >= 400) {
            assertThat(r.header("Content-Type")).as(a.name() + ": " + body).startsWith("application/problem+json");
            if (a.type() != null) assertThat(body).as(a.name()).contains("/problems/" + a.type() + "\"");
        }
        Snapshot after = snapshot();
        assertThat(after.victim()).as(a.name() + ": the victim's job").isEqualTo("QUEUED/0/false");
        assertThat(after.spool()).as(a.name() + ": spooled uploads").isEmpty();
        if (a.creates()) {
            assertThat(after.jobs()).as(a.name()).isEqualTo(before.jobs() + 1);
            jdbc.sql("update jobs set state = 'CANCELED', finished_at = now() where state = 'QUEUED' and id <> :id::uuid")
                    .param("id", victimJob).update();
        } else {
            assertThat(after.jobs()).as(a.name() + ": job rows").isEqualTo(before.jobs());
            assertThat(after.blobs()).as(a.name() + ": blobs").isEqualTo(before.blobs());
        }
    }

    private record Snapshot(long jobs, String victim, Set<String> blobs, Set<String> spool) {}

    private Snapshot snapshot() throws IOException {
        long jobs = jdbc.sql("select count(*) from jobs").query(Long.class).single();
        String victim = jdbc.sql("select state || '/' || attempt || '/' || cancel_requested from jobs where id = :id::uuid")
                .param("id", victimJob).query(String.class).single();
        return new Snapshot(jobs, victim, files(dataDir().resolve("blobs")), files(dataDir().resolve("spool")));
    }

    private static Set<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    // ---- request helpers

    private String cred(String which) {
        return which == null ? null : which.equals("attacker") ? attackerKey : which;
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private Multipart photo() {
        return new Multipart().field("type", "photos-to-splat").file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1));
    }

    private Response sendMultipart(Multipart m) {
        return sendBytes("POST", "/v1/jobs", attackerKey, Map.of("Content-Type", m.contentType()), m.bytes());
    }

    private Response send(String method, String path, String bearer, Map<String, String> headers, String body) {
        return sendBytes(method, path, bearer, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private Response sendBytes(String method, String path, String bearer, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close");
        if (bearer != null) head.append("\r\nAuthorization: Bearer ").append(bearer);
        headers.forEach((k, v) -> head.append("\r\n").append(k).append(": ").append(v));
        if (body != null) head.append("\r\nContent-Length: ").append(body.length);
        return raw.exchange(head.toString(), body);
    }

    private Response sendAuth(String method, String path, String authorization, String json) {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "
                + authorization + (body == null ? "" : "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length);
        return raw.exchange(head, body);
    }

    private Response exchange(String head, byte[] body) {
        return raw.exchange(head, body);
    }

    private static byte[] chunked(byte[] data) {
        var out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < data.length; i += 8192) {
            int n = Math.min(8192, data.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] noise(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) continue outer;
            }
            return i;
        }
        throw new IllegalArgumentException("pattern not found");
    }
}
