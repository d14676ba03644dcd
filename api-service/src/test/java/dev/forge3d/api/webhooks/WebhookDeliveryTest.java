package dev.forge3d.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.forge3d.api.jobs.JobService;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Webhooks end to end against a real HTTP receiver: jobs finish through the worker protocol, the API's dispatcher
 * POSTs, and every request is verified with the Standard Webhooks reference library (com.standardwebhooks), not
 * with our own signer.
 */
class WebhookDeliveryTest extends ApiTestBase {
    @Autowired
    WebhookDispatcher dispatcher;
    @Autowired
    WebhookOutbox outbox;
    @Autowired
    WebhookSecrets secrets;
    @Autowired
    JobService jobService;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    WebhookProperties props;

    String key;
    String secret;

    @BeforeEach
    void tenantWithSecret() {
        drainQueue();
        key = newTenantKey("webhooks");
        ApiClient.Res created = api.postJson("/v1/webhook-secrets", key, "");
        assertThat(created.status()).isEqualTo(201);
        secret = created.json().path("secret").asString();
        assertThat(secret).startsWith("whsec_");
    }

    @Test
    void aSucceededJobIsPostedSignedAndTheReferenceLibraryVerifiesIt() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String jobId = textJob(receiver.url("/hooks/forge3d?src=test"));
            complete(jobId);

            WebhookReceiver.Received r = receiver.await(1, Duration.ofSeconds(20)).getFirst();
            new Webhook(secret).verify(r.body(), r.headers());
            assertThat(r.header("webhook-id")).startsWith("msg_");
            assertThat(Long.parseLong(r.header("webhook-timestamp")))
                    .isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 5);
            assertThat(r.header("content-type")).isEqualTo("application/json");
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.path("type").asString()).isEqualTo("job.succeeded");
            assertThat(body.path("data").path("id").asString()).isEqualTo(jobId);
            assertThat(body.path("data").path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(body.path("data").path("callbackUrl").asString()).isEqualTo(receiver.url("/hooks/forge3d?src=test"));
            // The job JSON is what GET /v1/jobs/{id} shows.
            JsonNode job = api.get("/v1/jobs/" + jobId, key).json();
            assertThat(body.path("data").path("finishedAt")).isEqualTo(job.path("finishedAt"));

            JsonNode deliveries = awaitDeliveryState(jobId, "delivered");
            assertThat(deliveries).hasSize(1);
            JsonNode d = deliveries.get(0);
            assertThat(d.path("id").asString()).isEqualTo(r.header("webhook-id"));
            assertThat(d.path("event").asString()).isEqualTo("job.succeeded");
            assertThat(d.path("attempts")).hasSize(1);
            assertThat(d.path("attempts").get(0).path("statusCode").asInt()).isEqualTo(200);
            assertThat(d.path("nextAttemptAt").isNull()).isTrue();
        }
    }

    @Test
    void aReceiverFailingFiveTimesThenSucceedingGetsOneAcceptedDeliveryWithTheSameId() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(500, 500, 503, 500, 404)) {
            String jobId = textJob(receiver.url("/flaky"));
            long token = lease(jobId);
            assertThat(api.fail(jobId, token, "out of memory", false).status()).isEqualTo(200);

            List<WebhookReceiver.Received> got = receiver.await(6, Duration.ofSeconds(30));
            JsonNode deliveries = awaitDeliveryState(jobId, "delivered");
            Thread.sleep(props.retryDelays().getLast().toMillis() * 4); // room for a wrong 7th attempt
            got = receiver.received();
            assertThat(got).hasSize(6);
            assertThat(got.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet())).hasSize(1);
            assertThat(got.stream().map(WebhookReceiver.Received::body).collect(Collectors.toSet())).hasSize(1);
            for (WebhookReceiver.Received r : got) new Webhook(secret).verify(r.body(), r.headers());
            JsonNode body = mapper.readTree(got.getFirst().body());
            assertThat(body.path("type").asString()).isEqualTo("job.failed");
            assertThat(body.path("data").path("error").path("detail").asString()).isEqualTo("out of memory");

            assertThat(deliveries).hasSize(1);
            JsonNode d = deliveries.get(0);
            assertThat(d.path("id").asString()).isEqualTo(got.getFirst().header("webhook-id"));
            assertThat(d.path("lastStatus").asInt()).isEqualTo(200);
            List<Integer> statuses = d.path("attempts").valueStream().map(a -> a.path("statusCode").asInt()).toList();
            assertThat(statuses).containsExactly(500, 500, 503, 500, 404, 200);
            List<Integer> numbers = d.path("attempts").valueStream().map(a -> a.path("attempt").asInt()).toList();
            assertThat(numbers).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void endpointsHearStageChangesAndCancelsAndAJobsCallbackHearsItsEnd() throws Exception {
        try (WebhookReceiver endpoint = new WebhookReceiver(); WebhookReceiver callback = new WebhookReceiver()) {
            ApiClient.Res reg = api.postJson("/v1/webhook-endpoints", key, mapper.writeValueAsString(Map.of(
                    "url", endpoint.url("/all"), "events", List.of("job.stage_changed", "job.canceled"))));
            assertThat(reg.status()).isEqualTo(201);
            String endpointId = reg.json().path("id").asString();
            assertThat(api.get("/v1/webhook-endpoints", key).json().path("items").valueStream()
                    .map(e -> e.path("id").asString())).containsExactly(endpointId);

            String jobId = textJob(callback.url("/job"));
            long token = lease(jobId);
            assertThat(api.heartbeat(jobId, token, "train", 0.5).status()).isEqualTo(200);
            assertThat(api.postJson("/v1/jobs/" + jobId + "/cancel", key, "").status()).isEqualTo(202);
            assertThat(api.canceled(jobId, token).status()).isEqualTo(200);

            List<WebhookReceiver.Received> all = endpoint.await(2, Duration.ofSeconds(20));
            for (WebhookReceiver.Received r : all) new Webhook(secret).verify(r.body(), r.headers());
            Set<String> types = all.stream().map(r -> mapper.readTree(r.body()).path("type").asString())
                    .collect(Collectors.toSet());
            assertThat(types).containsExactlyInAnyOrder("job.stage_changed", "job.canceled");
            JsonNode stage = all.stream().map(r -> mapper.readTree(r.body()))
                    .filter(b -> b.path("type").asString().equals("job.stage_changed")).findFirst().orElseThrow();
            assertThat(stage.path("data").path("stage").asString()).isEqualTo("train");
            WebhookReceiver.Received cb = callback.await(1, Duration.ofSeconds(20)).getFirst();
            assertThat(mapper.readTree(cb.body()).path("type").asString()).isEqualTo("job.canceled");
            assertThat(cb.header("webhook-id")).isNotIn(all.stream().map(r -> r.header("webhook-id")).toList());

            assertThat(api.send("DELETE", "/v1/webhook-endpoints/" + endpointId, key, Map.of(), null).status())
                    .isEqualTo(204);
            assertThat(api.get("/v1/webhook-endpoints", key).json().path("items")).isEmpty();
        }
    }

    @Test
    void aQueuedJobCanceledByItsClientIsPostedToo() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String jobId = textJob(receiver.url("/q"));
            assertThat(api.postJson("/v1/jobs/" + jobId + "/cancel", key, "").status()).isEqualTo(202);
            WebhookReceiver.Received r = receiver.await(1, Duration.ofSeconds(20)).getFirst();
            new Webhook(secret).verify(r.body(), r.headers());
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.path("type").asString()).isEqualTo("job.canceled");
            assertThat(body.path("data").path("state").asString()).isEqualTo("CANCELED");
            assertThat(body.path("data").path("attempt").asInt()).isZero();
        }
    }

    @Test
    void aRotatedSecretSignsWithTheNewKeyAndStillWithThePreviousOneForAWhile() throws Exception {
        String rotated = api.postJson("/v1/webhook-secrets", key, "").json().path("secret").asString();
        assertThat(rotated).isNotEqualTo(secret).startsWith("whsec_");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String jobId = textJob(receiver.url("/r"));
            complete(jobId);
            WebhookReceiver.Received r = receiver.await(1, Duration.ofSeconds(20)).getFirst();
            new Webhook(rotated).verify(r.body(), r.headers());
            new Webhook(secret).verify(r.body(), r.headers());
            assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
        }
    }

    @Test
    void aCallbackUrlNeedsASecretAndAnAllowedUrl() {
        String noSecret = newTenantKey("no-secret");
        ApiClient.Res r = api.postJson("/v1/jobs", noSecret,
                "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"callbackUrl\":\"http://127.0.0.1:9/x\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("webhook-secret-missing");
        r = api.postJson("/v1/jobs", key,
                "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"callbackUrl\":\"ftp://127.0.0.1/x\"}");
        assertThat(r.problemType()).isEqualTo("callback-url-not-allowed");
        assertThat(r.json().path("detail").asString()).contains("http:// or https://");
        r = api.postJson("/v1/jobs", key,
                "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"callbackUrl\":42}");
        assertThat(r.problemType()).isEqualTo("invalid-parameter");
        // Photo jobs take it as a form field.
        ApiClient.Res photo = api.postMultipart(key, new ApiClient.Multipart().field("type", "photos-to-splat")
                .field("callbackUrl", "http://user:pw@127.0.0.1/x")
                .file("images", "a.png", "image/png", dev.forge3d.api.support.TestImages.png(1))
                .file("images", "b.png", "image/png", dev.forge3d.api.support.TestImages.png(2)), Map.of());
        assertThat(photo.status()).isEqualTo(400);
        assertThat(photo.problemType()).isEqualTo("callback-url-not-allowed");
        photo = api.postMultipart(key, new ApiClient.Multipart().field("type", "photos-to-splat")
                .field("callbackUrl", "http://127.0.0.1:9/photo")
                .file("images", "a.png", "image/png", dev.forge3d.api.support.TestImages.png(1))
                .file("images", "b.png", "image/png", dev.forge3d.api.support.TestImages.png(2)), Map.of());
        assertThat(photo.status()).isEqualTo(202);
        assertThat(photo.json().path("callbackUrl").asString()).isEqualTo("http://127.0.0.1:9/photo");
        assertThat(photo.json().path("params").has("callbackUrl")).isFalse();
        drainQueue();
    }

    /**
     * A name that resolved to an allowed address at submission and to a private one at delivery (DNS rebinding):
     * a dispatcher that does not allow private addresses checks again and does not connect. Simulated with
     * {@code localhost}, accepted at submission by this context (which allows private addresses), then sent by
     * a dispatcher that does not.
     */
    @Test
    void aNameThatResolvesToAPrivateAddressAtDeliveryIsRefusedThen() throws Exception {
        dispatcher.stop();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String jobId = textJob("http://localhost:" + receiver.port() + "/rebind");
            complete(jobId);
            // The outbox row was committed with the state change, before any POST.
            assertThat(jdbc.sql("select state from webhook_messages where job_id = :id").param("id",
                    java.util.UUID.fromString(jobId)).query(String.class).list()).containsExactly("pending");

            WebhookDispatcher strict = new WebhookDispatcher(outbox, secrets,
                    new CallbackUrlGuard(false, 2048, InetAddress::getAllByName), jobService, mapper, props);
            strict.dispatchDue();
            JsonNode d = api.get("/v1/jobs/" + jobId + "/deliveries", key).json().path("items").get(0);
            assertThat(d.path("state").asString()).isEqualTo("pending");
            assertThat(d.path("attempts").get(0).path("error").asString())
                    .contains("refused").contains("loopback").contains("FORGE3D_WEBHOOKS_ALLOW_PRIVATE");
            assertThat(d.path("attempts").get(0).path("statusCode").isNull()).isTrue();
            assertThat(d.path("nextAttemptAt").isNull()).isFalse();
            assertThat(receiver.received()).isEmpty();

            // A fresh dispatcher (as after a restart) that allows private addresses delivers the same message.
            Thread.sleep(props.retryDelays().getFirst().toMillis() + 50);
            new WebhookDispatcher(outbox, secrets, new CallbackUrlGuard(true, 2048, InetAddress::getAllByName),
                    jobService, mapper, props).dispatchDue();
            WebhookReceiver.Received r = receiver.await(1, Duration.ofSeconds(5)).getFirst();
            new Webhook(secret).verify(r.body(), r.headers());
            assertThat(r.header("webhook-id")).isEqualTo(d.path("id").asString());
            assertThat(api.get("/v1/jobs/" + jobId + "/deliveries", key).json().path("items").get(0).path("state").asString())
                    .isEqualTo("delivered");
        } finally {
            dispatcher.start();
        }
    }

    @Test
    void aMessageStillFailingWhenGiveUpAfterHasPassedIsFailedAndNotSentAgain() throws Exception {
        dispatcher.stop();
        try (WebhookReceiver receiver = new WebhookReceiver(500, 500, 500)) {
            String jobId = textJob(receiver.url("/down"));
            complete(jobId);
            WebhookProperties noPatience = new WebhookProperties(true, props.pollInterval(), props.batchSize(),
                    props.retryDelays(), Duration.ZERO, props.claimTimeout(), props.connectTimeout(),
                    props.readTimeout(), props.maxUrlLength(), props.maxEndpointsPerTenant(),
                    props.previousSecretGrace());
            new WebhookDispatcher(outbox, secrets, new CallbackUrlGuard(true, 2048, InetAddress::getAllByName),
                    jobService, mapper, noPatience).dispatchDue();
            JsonNode d = api.get("/v1/jobs/" + jobId + "/deliveries", key).json().path("items").get(0);
            assertThat(d.path("state").asString()).isEqualTo("failed");
            assertThat(d.path("lastStatus").asInt()).isEqualTo(500);
            assertThat(d.path("nextAttemptAt").isNull()).isTrue();
            assertThat(d.path("attempts")).hasSize(1);
            dispatcher.start();
            Thread.sleep(props.retryDelays().getLast().toMillis() * 4);
            assertThat(receiver.received()).hasSize(1);
        } finally {
            if (!dispatcher.isRunning()) dispatcher.start();
        }
    }

    @Test
    void anotherTenantsDeliveriesAreNotFound() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String jobId = textJob(receiver.url("/x"));
            String other = newTenantKey("other");
            ApiClient.Res r = api.get("/v1/jobs/" + jobId + "/deliveries", other);
            assertThat(r.status()).isEqualTo(404);
            assertThat(api.get("/v1/jobs/" + jobId + "/deliveries", key).json().path("items")).isEmpty();
            drainQueue();
        }
    }

    // ---- helpers

    private String textJob(String callbackUrl) {
        ApiClient.Res r = api.postJson("/v1/jobs", key, mapper.writeValueAsString(Map.of(
                "type", "text-to-3d", "prompt", "a red cube", "callbackUrl", callbackUrl)));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().path("callbackUrl").asString()).isEqualTo(callbackUrl);
        return r.json().path("id").asString();
    }

    private long lease(String jobId) {
        JsonNode lease = api.lease("webhook-test-worker", 0, 30).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(jobId);
        return lease.path("leaseToken").asLong();
    }

    private void complete(String jobId) {
        assertThat(api.complete(jobId, lease(jobId)).status()).isEqualTo(200);
    }

    private JsonNode awaitDeliveryState(String jobId, String state) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode list = api.get("/v1/jobs/" + jobId + "/deliveries", key).json().path("items");
            if (!list.isEmpty() && list.valueStream().allMatch(d -> d.path("state").asString().equals(state))) {
                return list;
            }
            assertThat(System.nanoTime()).as("deliveries of %s not %s: %s", jobId, state, list).isLessThan(end);
            Thread.sleep(50);
        }
    }
}
