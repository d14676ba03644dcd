package dev.forge3d.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Open event streams per tenant (counted per replica; the tests run one). */
class EventStreamLimitTest extends LimitsTestBase {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aTenantAtItsStreamQuotaGets429UntilAStreamEndsAndOtherTenantsAreNotAffected() throws Exception {
        Tenant t = tenant("streams");
        limit(t, "max_event_streams", 1);
        Tenant other = tenant("other-streams");
        String job = api.createTextJob(t.key(), "followed").json().path("id").asString();
        String otherJob = api.createTextJob(other.key(), "also followed").json().path("id").asString();

        HttpResponse<InputStream> open = stream(t, job);
        assertThat(open.statusCode()).isEqualTo(200);

        var refused = api.get("/v1/jobs/" + job + "/events", t.key(), java.util.Map.of("Accept", "text/event-stream"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("quota-exceeded");
        assertThat(refused.header("Retry-After")).isEqualTo("10");

        HttpResponse<InputStream> others1 = stream(other, otherJob);
        HttpResponse<InputStream> others2 = stream(other, otherJob);
        assertThat(others1.statusCode()).isEqualTo(200);
        assertThat(others2.statusCode()).isEqualTo(200);

        // The job ends, so its stream ends and gives its slot back.
        assertThat(api.postJson("/v1/jobs/" + job + "/cancel", t.key(), "{}").status()).isEqualTo(202);
        open.body().readAllBytes();
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
            HttpResponse<InputStream> again = stream(t, job);
            status = again.statusCode();
            again.body().close();
            if (status != 200) Thread.sleep(100);
        }
        assertThat(status).isEqualTo(200);
        others1.body().close();
        others2.body().close();
    }

    @Test
    void aStreamOfAnUnknownJobDoesNotKeepItsSlot() {
        Tenant t = tenant("streams-404");
        limit(t, "max_event_streams", 1);
        String missing = "/v1/jobs/" + java.util.UUID.randomUUID() + "/events";
        for (int i = 0; i < 3; i++) {
            assertThat(api.get(missing, t.key(), java.util.Map.of("Accept", "text/event-stream")).status())
                    .isEqualTo(404);
        }
    }

    private HttpResponse<InputStream> stream(Tenant t, String job) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.base() + "/v1/jobs/" + job + "/events"))
                .header("Authorization", "Bearer " + t.key()).header("Accept", "text/event-stream").build();
        return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    }
}
