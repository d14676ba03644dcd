package dev.forge3d.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * /actuator/prometheus on a real API over a real PostgreSQL: the queue gauges count exactly the jobs created here
 * (per type and GPU requirement), a lease moves a job from queued to running and shows the worker by backend,
 * a completion records the job's duration and its stages' durations, uploads count their bytes; the endpoint takes
 * the worker token like /actuator/metrics.
 */
class PrometheusMetricsTest extends ApiTestBase {

    @Test
    void queueGaugesCountTheJobsByTypeAndRequirement() throws Exception {
        drainQueue();
        jdbc.sql("delete from workers").update();
        String key = newTenantKey("metrics");
        String before = scrape(t -> value(t, "forge3d_queue_depth", "type", "text-to-3d", "gpu", "false") == 0
                && value(t, "forge3d_queue_depth", "type", "photos-to-splat", "gpu", "false") == 0);
        double uploadBytes = value(before, "forge3d_upload_bytes_total");
        double succeeded = value(before, "forge3d_job_duration_seconds_count", "type", "text-to-3d", "state", "SUCCEEDED");
        double stageCount = value(before, "forge3d_job_stage_duration_seconds_count", "type", "text-to-3d", "stage", "sds");

        String cpuText = api.createTextJob(key, "a red cube").json().path("id").asString();
        for (int i = 0; i < 2; i++) {
            assertThat(api.postJson("/v1/jobs", key,
                    "{\"type\":\"text-to-3d\",\"prompt\":\"a blue cube\",\"backend\":\"cuda\"}").status()).isEqualTo(202);
        }
        byte[] a = TestImages.jpeg(1);
        byte[] b = TestImages.jpeg(2);
        var photo = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", a).file("images", "b.jpg", "image/jpeg", b), Map.of());
        assertThat(photo.status()).isEqualTo(202);

        String queued = scrape(t -> value(t, "forge3d_queue_depth", "type", "text-to-3d", "gpu", "false") == 1
                && value(t, "forge3d_queue_depth", "type", "text-to-3d", "gpu", "true") == 2
                && value(t, "forge3d_queue_depth", "type", "photos-to-splat", "gpu", "false") == 1);
        assertThat(value(queued, "forge3d_queue_depth", "type", "photos-to-splat", "gpu", "true")).isZero();
        assertThat(value(queued, "forge3d_jobs_running", "type", "text-to-3d")).isZero();
        assertThat(value(queued, "forge3d_upload_bytes_total") - uploadBytes).isEqualTo(a.length + b.length);
        assertThat(value(queued, "forge3d_queue_oldest_age_seconds", "type", "text-to-3d", "gpu", "true")).isNotNegative();

        // A small CPU worker can run only the plain text job: queued 1 -> 0, running 0 -> 1, one cpu worker.
        JsonNode lease = api.lease("metrics-" + UUID.randomUUID(), 0, 30,
                Map.of("backend", "cpu", "threads", 2, "memoryBytes", 1L << 30)).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(cpuText);
        String running = scrape(t -> value(t, "forge3d_queue_depth", "type", "text-to-3d", "gpu", "false") == 0
                && value(t, "forge3d_jobs_running", "type", "text-to-3d") == 1);
        assertThat(value(running, "forge3d_workers", "backend", "cpu")).isEqualTo(1);
        assertThat(value(running, "forge3d_queue_depth", "type", "text-to-3d", "gpu", "true")).isEqualTo(2);

        var done = api.postJson("/v1/worker/jobs/" + cpuText + "/complete", WORKER_TOKEN, "{\"leaseToken\":"
                + lease.path("leaseToken").asLong() + ",\"metrics\":{\"stages\":{\"sds\":{\"seconds\":1.5}}}}");
        assertThat(done.status()).isEqualTo(200);
        String finished = scrape(t -> value(t, "forge3d_jobs_running", "type", "text-to-3d") == 0);
        assertThat(value(finished, "forge3d_job_duration_seconds_count", "type", "text-to-3d", "state", "SUCCEEDED"))
                .isEqualTo(succeeded + 1);
        assertThat(value(finished, "forge3d_job_stage_duration_seconds_count", "type", "text-to-3d", "stage", "sds"))
                .isEqualTo(stageCount + 1);
        assertThat(value(finished, "forge3d_job_queue_wait_seconds_count", "type", "text-to-3d", "state", "SUCCEEDED"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(finished, "http_server_requests_seconds_count", "method", "POST", "uri", "/v1/jobs",
                "status", "202")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theEndpointTakesTheWorkerToken() {
        assertThat(api.unchecked().get("/actuator/prometheus", null).status()).isEqualTo(401);
        String key = newTenantKey("metrics-tenant");
        assertThat(api.unchecked().get("/actuator/prometheus", key).status()).isIn(401, 403);
        assertThat(api.unchecked().get("/actuator/prometheus", WORKER_TOKEN).status()).isEqualTo(200);
    }

    /** Scrapes until the text satisfies {@code ready} (the gauges refresh every 200 ms in tests), at most 10 s. */
    private String scrape(Predicate<String> ready) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text;
        do {
            var r = api.unchecked().get("/actuator/prometheus", WORKER_TOKEN);
            assertThat(r.status()).isEqualTo(200);
            text = r.text();
            if (ready.test(text)) return text;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the metrics did not reach the expected values in 10 s:\n" + grepForge3d(text));
    }

    private static String grepForge3d(String text) {
        return text.lines().filter(l -> l.startsWith("forge3d_")).reduce("", (x, y) -> x + y + "\n");
    }

    /** The sample of {@code name} whose labels include all of {@code labels} (name, value, ...); 0 when absent. */
    static double value(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{(.*)\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            String l = m.group(2) == null ? "" : m.group(2);
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                if (!l.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) all = false;
            }
            if (all) return Double.parseDouble(m.group(3));
        }
        return 0;
    }
}
