package dev.forge3d.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.TestImages;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quotas checked when jobs are created and claimed: queued jobs, stored bytes, running jobs. */
class JobQuotaTest extends LimitsTestBase {

    @Test
    void overTheQueuedJobsQuotaCreationIs429AndCreatesNothingWhileAnotherTenantCarriesOn() {
        Tenant t = tenant("queued");
        limit(t, "max_queued_jobs", 2);
        Tenant other = tenant("other");
        String first = api.createTextJob(t.key(), "one").json().path("id").asString();
        assertThat(api.createTextJob(t.key(), "two").status()).isEqualTo(202);

        var refused = api.createTextJob(t.key(), "three");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.problemType()).isEqualTo("quota-exceeded");
        assertThat(refused.json().path("title").asString()).isEqualTo("Quota exceeded");
        assertThat(refused.json().path("detail").asString()).contains("2 queued jobs");
        assertThat(refused.header("Retry-After")).isEqualTo("10");
        assertThat(jobsOf(t)).isEqualTo(2);

        // The other tenant is not affected.
        for (int i = 0; i < 3; i++) assertThat(api.createTextJob(other.key(), "o" + i).status()).isEqualTo(202);

        // A queued job leaving the queue makes room again.
        assertThat(api.postJson("/v1/jobs/" + first + "/cancel", t.key(), "{}").status()).isEqualTo(202);
        assertThat(api.createTextJob(t.key(), "three again").status()).isEqualTo(202);
        assertThat(jobsOf(t)).isEqualTo(3);
    }

    @Test
    void anIdempotentReplayIsNotCountedAgainstTheQuota() {
        Tenant t = tenant("replay");
        limit(t, "max_queued_jobs", 1);
        String body = "{\"type\":\"text-to-3d\",\"prompt\":\"once\"}";
        var first = api.postJson("/v1/jobs", t.key(), body, Map.of("Idempotency-Key", "k1"));
        var again = api.postJson("/v1/jobs", t.key(), body, Map.of("Idempotency-Key", "k1"));
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(api.createTextJob(t.key(), "another").status()).isEqualTo(429);
    }

    @Test
    void overTheStoredBytesQuotaAPhotoJobIs429AndItsUploadsAreNotKept() {
        Tenant t = tenant("bytes");
        byte[] photo = TestImages.jpeg(3);
        limit(t, "max_stored_bytes", photo.length + 100L);
        var m1 = new Multipart().field("type", "photos-to-splat").file("images", "a.jpg", "image/jpeg", photo);
        assertThat(api.postMultipart(t.key(), m1, Map.of()).status()).isEqualTo(202);

        var m2 = new Multipart().field("type", "photos-to-splat").file("images", "b.jpg", "image/jpeg", photo);
        var refused = api.postMultipart(t.key(), m2, Map.of());
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("quota-exceeded");
        assertThat(refused.json().path("detail").asString()).contains("stores " + photo.length + " bytes");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(jobsOf(t)).isEqualTo(1);
        assertThat(storedBytesOf(t)).isEqualTo(photo.length);
    }

    @Test
    void jobsBeyondTheRunningQuotaWaitInTheQueueInsteadOfBeingRefused() {
        drainQueue();
        Tenant t = tenant("running");
        limit(t, "max_running_jobs", 1);
        Tenant other = tenant("other-running");
        String a = api.createTextJob(t.key(), "a").json().path("id").asString();
        String b = api.createTextJob(t.key(), "b").json().path("id").asString();
        assertThat(api.createTextJob(t.key(), "c").status()).isEqualTo(202);
        String o = api.createTextJob(other.key(), "o").json().path("id").asString();

        var l1 = api.lease("quota-w1", 0, 30).json();
        assertThat(l1.path("jobId").asString()).isEqualTo(a);
        // b is older than o, but its tenant is at its running quota: the other tenant's job goes first.
        var l2 = api.lease("quota-w2", 0, 30).json();
        assertThat(l2.path("jobId").asString()).isEqualTo(o);
        assertThat(api.lease("quota-w3", 0, 30).status()).isEqualTo(204);
        assertThat(api.get("/v1/jobs/" + b, t.key()).json().path("state").asString()).isEqualTo("QUEUED");

        assertThat(api.complete(a, l1.path("leaseToken").asLong()).status()).isEqualTo(200);
        assertThat(api.lease("quota-w3", 0, 30).json().path("jobId").asString()).isEqualTo(b);
        drainQueue();
    }

    private long jobsOf(Tenant t) {
        return jdbc.sql("select count(*) from jobs where tenant_id = :t").param("t", t.id()).query(Long.class).single();
    }

    private long storedBytesOf(Tenant t) {
        return jdbc.sql("select coalesce(sum(i.size), 0) from job_inputs i join jobs j on j.id = i.job_id "
                + "where j.tenant_id = :t").param("t", t.id()).query(Long.class).single();
    }
}
