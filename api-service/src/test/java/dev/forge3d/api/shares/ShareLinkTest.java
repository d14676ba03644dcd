package dev.forge3d.api.shares;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Res;
import dev.forge3d.api.support.ApiTestBase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Share links over real HTTP on PostgreSQL: a link reads its job (state, events, artifacts, the viewer page) without
 * an API key and grants nothing else; expired, revoked, forged and deleted-job links are 404 problem+json; the
 * token is stored only hashed.
 */
class ShareLinkTest extends ApiTestBase {
    private String key;
    private String job;

    @BeforeEach
    void finishedJob() {
        drainQueue();
        key = newTenantKey("share");
        job = api.createTextJob(key, "a red cube").json().path("id").asString();
        long lease = api.lease("share-worker", 0, 30).json().path("leaseToken").asLong();
        assertThat(api.putArtifact(job, lease, "preview.png", "image/png", new byte[] {1, 2, 3, 4, 5}).status())
                .isEqualTo(201);
        assertThat(api.complete(job, lease).status()).isEqualTo(200);
    }

    @Test
    void aLinkReadsItsJobWithoutAKey() throws Exception {
        Res created = share(job, "{\"expiresIn\": 3600}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.json();
        String token = c.path("token").asString();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(c.path("url").asString()).isEqualTo(api.base() + "/s/" + token);
        assertThat(created.header("Location")).isEqualTo(c.path("url").asString());
        assertThat(Duration.between(Instant.now(), Instant.parse(c.path("expiresAt").asString())).toSeconds())
                .isBetween(3500L, 3600L);
        // Only the SHA-256 is stored.
        List<byte[]> stored = jdbc.sql("select token_sha256 from job_shares where job_id = :j::uuid").param("j", job)
                .query(byte[].class).list();
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst()).isEqualTo(ShareLinks.sha256(token)).hasSize(32);

        JsonNode shared = api.get("/s/" + token + "/job", null).json();
        assertThat(shared.path("id").asString()).isEqualTo(job);
        assertThat(shared.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(shared.path("links").path("self").asString()).isEqualTo("/s/" + token + "/job");
        assertThat(shared.path("links").path("cancel").isNull()).isTrue();
        assertThat(shared.path("artifacts").get(0).path("href").asString()).isEqualTo("/s/" + token + "/artifacts/preview.png");

        Res list = api.get("/s/" + token + "/artifacts", null);
        assertThat(list.json().path("items").get(0).path("name").asString()).isEqualTo("preview.png");
        Res file = api.get("/s/" + token + "/artifacts/preview.png", null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).containsExactly(1, 2, 3, 4, 5);
        Res range = api.get("/s/" + token + "/artifacts/preview.png", null, Map.of("Range", "bytes=1-2"));
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).containsExactly(2, 3);
        assertThat(api.get("/s/" + token + "/artifacts/scene.ply", null).status()).isEqualTo(404);

        for (String page : List.of("/s/" + token, "/s/" + token + "/embed")) {
            Res html = api.get(page, null);
            assertThat(html.status()).as(page).isEqualTo(200);
            assertThat(html.header("Content-Type")).startsWith("text/html");
            assertThat(html.header("Content-Security-Policy")).isEqualTo("frame-ancestors *");
            assertThat(html.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(html.header("X-Frame-Options")).isNull();
            assertThat(html.text()).contains("forge3d");
        }

        HttpResponse<java.io.InputStream> sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api.base() + "/s/" + token + "/events")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        try (var r = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
            String data = r.lines().filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
            JsonNode event = ApiClient.JSON.readTree(data.substring(5).trim());
            assertThat(event.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(event.path("links").path("events").asString()).isEqualTo("/s/" + token + "/events");
        }

        JsonNode listed = api.get("/v1/jobs/" + job + "/shares", key).json().path("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("id").asString()).isEqualTo(c.path("id").asString());
        assertThat(listed.toString()).doesNotContain(token);
    }

    @Test
    void theDefaultLifetimeIsSevenDaysAndOutOfRangeIsRefusedNamingTheField() {
        Res created = share(job, null);
        assertThat(created.status()).isEqualTo(201);
        assertThat(Duration.between(Instant.now(), Instant.parse(created.json().path("expiresAt").asString())).toHours())
                .isBetween(167L, 168L);
        for (String body : List.of("{\"expiresIn\": 59}", "{\"expiresIn\": 31536001}", "{\"expiresIn\": -5}",
                "{\"expiresIn\": \"3600\"}", "{\"expiresIn\": 1.5}", "{\"expiresIn\": 1e30}")) {
            Res r = share(job, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.problemType()).as(body).isEqualTo("invalid-parameter");
            assertThat(r.json().path("detail").asString()).as(body).contains("expiresIn");
        }
        assertThat(share(job, "{\"expires\": 60}").problemType()).isEqualTo("invalid-parameter");
        assertThat(share(job, "{\"expiresIn\":").problemType()).isEqualTo("malformed-request");
        assertThat(share(job, "[60]").problemType()).isEqualTo("malformed-request");
    }

    @Test
    void deadLinksAre404AndALinkGrantsNothingElse() {
        String other = newTenantKey("share-other");
        String expired = share(job, "{\"expiresIn\": 60}").json().path("token").asString();
        jdbc.sql("update job_shares set expires_at = now() - interval '1 second' where token_sha256 = :h")
                .param("h", ShareLinks.sha256(expired)).update();
        JsonNode revoked = share(job, null).json();
        assertThat(api.send("DELETE", "/v1/jobs/" + job + "/shares/" + revoked.path("id").asString(), other, Map.of(),
                null).status()).as("another tenant cannot revoke it").isEqualTo(404);
        assertThat(api.send("DELETE", "/v1/jobs/" + job + "/shares/" + revoked.path("id").asString(), key, Map.of(),
                null).status()).isEqualTo(204);
        String revokedByToken = share(job, null).json().path("token").asString();
        assertThat(api.send("DELETE", "/v1/shares/" + revokedByToken, other, Map.of(), null).status()).isEqualTo(404);
        assertThat(api.send("DELETE", "/v1/shares/" + revokedByToken, key, Map.of(), null).status()).isEqualTo(204);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String live = share(job, null).json().path("token").asString();
        String tampered = live.substring(0, 42) + (live.charAt(42) == 'A' ? 'B' : 'A');

        for (var dead : Map.of("expired", expired, "revoked", revoked.path("token").asString(),
                "revoked by token", revokedByToken, "forged", forged, "tampered", tampered, "malformed", "abc").entrySet()) {
            for (String path : List.of("", "/embed", "/job", "/events", "/artifacts", "/artifacts/preview.png")) {
                Res r = api.get("/s/" + dead.getValue() + path, null);
                assertThat(r.status()).as(dead.getKey() + " " + path).isEqualTo(404);
                assertThat(r.header("Content-Type")).as(dead.getKey() + " " + path).startsWith("application/problem+json");
                assertThat(r.problemType()).isEqualTo("not-found");
            }
        }

        // The live link opens its job only: not as a key, not as a stream token, not for writes.
        assertThat(api.get("/s/" + live + "/job", null).status()).isEqualTo(200);
        assertThat(api.get("/v1/jobs", live).status()).as("list jobs with a share token").isEqualTo(401);
        assertThat(api.get("/v1/jobs/" + job, live).status()).isEqualTo(401);
        assertThat(api.postJson("/v1/jobs", live, "{\"type\":\"text-to-3d\",\"prompt\":\"a cube\"}").status())
                .as("create a job with a share token").isEqualTo(401);
        assertThat(api.send("POST", "/v1/worker/lease", live, Map.of("Content-Type", "application/json"),
                HttpRequest.BodyPublishers.ofString("{\"workerId\":\"x\",\"waitSeconds\":0}")).status())
                .as("the worker protocol with a share token").isEqualTo(401);
        assertThat(api.get("/v1/jobs/" + job + "/events?streamToken=" + live, null).status())
                .as("a share token as a stream token").isEqualTo(401);
        assertThat(api.unchecked().send("POST", "/s/" + live + "/job", null, Map.of(), null).status()).isEqualTo(405);
        assertThat(api.unchecked().send("DELETE", "/s/" + live, null, Map.of(), null).status()).isEqualTo(405);

        // Deleting the job kills its links.
        assertThat(api.send("DELETE", "/v1/jobs/" + job, key, Map.of(), null).status()).isEqualTo(204);
        assertThat(api.get("/s/" + live + "/job", null).status()).isEqualTo(404);
        assertThat(api.get("/s/" + live, null).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from job_shares where job_id = :j::uuid").param("j", job)
                .query(Long.class).single()).isZero();
    }

    @Test
    void onlyTheJobsTenantCanShareIt() {
        String other = newTenantKey("share-thief");
        assertThat(share(job, null, other).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/" + job + "/shares", other).status()).isEqualTo(404);
        assertThat(share("00000000-0000-0000-0000-000000000000", null).status()).isEqualTo(404);
        assertThat(share(job, null, null).status()).isEqualTo(401);
    }

    private Res share(String jobId, String body) {
        return share(jobId, body, key);
    }

    private Res share(String jobId, String body, String bearer) {
        return api.send("POST", "/v1/jobs/" + jobId + "/shares", bearer,
                body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : HttpRequest.BodyPublishers.ofString(body));
    }
}
