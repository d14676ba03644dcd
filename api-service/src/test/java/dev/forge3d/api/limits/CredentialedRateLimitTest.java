package dev.forge3d.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Res;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Share links and stream tokens carry no API key, so the request filter sees no tenant; they are limited on the
 * matched route, from the job's tenant's bucket.
 */
class CredentialedRateLimitTest extends LimitsTestBase {
    @Test
    void shareLinksAndStreamTokensSpendTheJobsTenantsRate() throws Exception {
        Tenant t = tenant("share-rate");
        String job = api.createTextJob(t.key(), "a red cube").json().path("id").asString();
        String token = api.postJson("/v1/jobs/" + job + "/shares", t.key(), "{}").json().path("token").asString();
        String stream = api.send("POST", "/v1/jobs/" + job + "/stream-tokens", t.key(), Map.of(), null).json()
                .path("token").asString();
        limit(t, "requests_per_second", 1);
        limit(t, "burst", 3);
        Thread.sleep(1300); // the override cache (1 s in tests)

        List<Integer> statuses = new ArrayList<>();
        Res refused = null;
        for (int i = 0; i < 8; i++) {
            Res r = api.get("/s/" + token + "/job", null);
            statuses.add(r.status());
            if (r.status() == 429) refused = r;
        }
        assertThat(statuses).as(statuses.toString()).contains(200, 429);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isBetween(3L, 5L);
        assertThat(refused.problemType()).isEqualTo("rate-limited");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(refused.header("RateLimit")).startsWith("\"tenant\"");
        // The same bucket: the tenant's own key is refused now too, and so is the stream token's stream.
        assertThat(api.get("/v1/jobs/" + job, t.key()).status()).isEqualTo(429);
        assertThat(api.get("/v1/jobs/" + job + "/events?streamToken=" + stream, null).status()).isEqualTo(429);
        // A dead link is 404 without spending anything (no tenant).
        assertThat(api.get("/s/" + "A".repeat(43) + "/job", null).status()).isEqualTo(404);
    }
}
