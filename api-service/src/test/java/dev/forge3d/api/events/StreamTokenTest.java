package dev.forge3d.api.events;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Stream tokens open their own job's event stream without a key, and nothing else. */
class StreamTokenTest extends ApiTestBase {
    @Test
    void aStreamTokenOpensOnlyItsJobsEvents() throws Exception {
        String key = newTenantKey("stream");
        String other = newTenantKey("stream-other");
        String job = api.createTextJob(key, "a red cube").json().path("id").asString();
        String second = api.createTextJob(key, "a blue cube").json().path("id").asString();
        String foreign = api.createTextJob(other, "a green cube").json().path("id").asString();

        Res issued = api.send("POST", "/v1/jobs/" + job + "/stream-tokens", key, Map.of(), null);
        assertThat(issued.status()).isEqualTo(201);
        String token = issued.json().path("token").asString();
        assertThat(issued.json().path("eventsUrl").asString())
                .isEqualTo("/v1/jobs/" + job + "/events?streamToken=" + token);
        assertThat(api.send("POST", "/v1/jobs/" + foreign + "/stream-tokens", key, Map.of(), null).status())
                .as("another tenant's job").isEqualTo(404);
        assertThat(api.send("POST", "/v1/jobs/" + job + "/stream-tokens", null, Map.of(), null).status()).isEqualTo(401);

        HttpResponse<java.io.InputStream> sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api.base() + "/v1/jobs/" + job + "/events?streamToken=" + token))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        try (var r = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
            String data = r.lines().filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
            JsonNode event = ApiClient.JSON.readTree(data.substring(5).trim());
            assertThat(event.path("id").asString()).isEqualTo(job);
        }

        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        for (var refused : Map.of(
                "another job's events", "/v1/jobs/" + second + "/events?streamToken=" + token,
                "another tenant's job", "/v1/jobs/" + foreign + "/events?streamToken=" + token,
                "the job itself", "/v1/jobs/" + job + "?streamToken=" + token,
                "the job's artifacts", "/v1/jobs/" + job + "/artifacts?streamToken=" + token,
                "the job list", "/v1/jobs?streamToken=" + token,
                "a tampered token", "/v1/jobs/" + job + "/events?streamToken=" + tampered,
                "garbage", "/v1/jobs/" + job + "/events?streamToken=x.y",
                "two tokens", "/v1/jobs/" + job + "/events?streamToken=" + token + "&streamToken=" + token).entrySet()) {
            Res r = api.get(refused.getValue(), null);
            assertThat(r.status()).as(refused.getKey()).isEqualTo(401);
            assertThat(r.problemType()).as(refused.getKey()).isEqualTo("unauthorized");
        }
        // A stream token is no bearer credential.
        assertThat(api.get("/v1/jobs/" + job + "/events", token).status()).isEqualTo(401);
        // Nor does it work on a POST (cancel).
        assertThat(api.send("POST", "/v1/jobs/" + job + "/cancel?streamToken=" + token, null, Map.of(), null).status())
                .isEqualTo(401);
    }
}
