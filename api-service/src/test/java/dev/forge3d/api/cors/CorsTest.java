package dev.forge3d.api.cors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Res;
import dev.forge3d.api.support.ApiTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CORS for the configured origins only: preflights are answered before authentication (they carry no key), the
 * real calls get the allow-origin and exposed headers on every answer, errors included; other origins get nothing.
 */
class CorsTest extends ApiTestBase {
    @Test
    void preflightIsAnsweredBeforeAuthentication() {
        ApiClient raw = api.unchecked();
        Res ok = raw.send("OPTIONS", "/v1/jobs", null, Map.of("Origin", ALLOWED_ORIGIN,
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type, idempotency-key"), null);
        assertThat(ok.status()).isEqualTo(204);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        assertThat(ok.header("Access-Control-Allow-Methods")).contains("POST", "GET", "DELETE");
        assertThat(ok.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
        assertThat(ok.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(ok.header("Access-Control-Max-Age")).isEqualTo("600");

        Res workerRoute = raw.send("OPTIONS", "/v1/jobs/00000000-0000-0000-0000-000000000000/events", null,
                Map.of("Origin", ALLOWED_ORIGIN, "Access-Control-Request-Method", "GET",
                        "Access-Control-Request-Headers", "authorization"), null);
        assertThat(workerRoute.status()).isEqualTo(204);

        for (var refused : Map.of(
                "other origin", Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"),
                "PUT", Map.of("Origin", ALLOWED_ORIGIN, "Access-Control-Request-Method", "PUT"),
                "odd header", Map.of("Origin", ALLOWED_ORIGIN, "Access-Control-Request-Method", "GET",
                        "Access-Control-Request-Headers", "authorization, x-lease-token")).entrySet()) {
            Res r = raw.send("OPTIONS", "/v1/jobs", null, refused.getValue(), null);
            assertThat(r.status()).as(refused.getKey()).isEqualTo(403);
            assertThat(r.header("Content-Type")).as(refused.getKey()).startsWith("application/problem+json");
            assertThat(r.problemType()).isEqualTo("cors-refused");
            assertThat(r.header("Access-Control-Allow-Origin")).as(refused.getKey()).isNull();
        }
        // Without CORS headers an OPTIONS is an ordinary request: it still needs a key.
        assertThat(raw.send("OPTIONS", "/v1/jobs", null, Map.of(), null).status()).isEqualTo(401);
    }

    @Test
    void allowedOriginsReadAnswersAndTheirHeaders() {
        String key = newTenantKey("cors");
        Res ok = api.get("/v1/jobs", key, Map.of("Origin", ALLOWED_ORIGIN));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        assertThat(ok.header("Access-Control-Expose-Headers")).contains("Location", "Idempotency-Key", "RateLimit",
                "RateLimit-Policy", "Retry-After");
        assertThat(ok.headers().allValues("Vary")).anyMatch(v -> v.contains("Origin"));
        assertThat(ok.header("RateLimit")).isNotNull();

        Res denied = api.get("/v1/jobs", null, Map.of("Origin", ALLOWED_ORIGIN));
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("Access-Control-Allow-Origin")).as("a page can read the 401").isEqualTo(ALLOWED_ORIGIN);

        Res other = api.get("/v1/jobs", key, Map.of("Origin", "https://evil.example"));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void originsAreCheckedAtStartUp() {
        assertThat(new CorsProperties(java.util.List.of(" https://A.example/ ", ""), null).allowedOrigins())
                .containsExactly("https://a.example");
        assertThat(new CorsProperties(null, null).allows("https://a.example")).isFalse();
        assertThat(new CorsProperties(java.util.List.of("*"), null).allows("https://a.example")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CorsProperties(
                java.util.List.of("https://a.example/path"), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
