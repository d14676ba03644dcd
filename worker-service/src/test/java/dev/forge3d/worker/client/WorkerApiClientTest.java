package dev.forge3d.worker.client;

import dev.forge3d.worker.testserver.ProtocolTestServer;
import dev.forge3d.worker.testserver.ProtocolTestServer.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.forge3d.worker.testserver.ProtocolTestServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker-protocol client against the in-test protocol server: shapes, encoding, errors, retries. */
class WorkerApiClientTest {

    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50));
    private static final Capabilities CPU = Capabilities.cpu(2, 1 << 30);

    @TempDir
    Path tmp;
    private ProtocolTestServer server;
    private WorkerApiClient client;

    @BeforeEach
    void start() throws Exception {
        server = new ProtocolTestServer("tok", 30);
        client = new WorkerApiClient(HttpClient.newHttpClient(), server.uri(), "tok", FAST);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LeaseRequest request(int wait) {
        return new LeaseRequest("w-1", CPU, List.of("photos-to-splat", "text-to-3d"), wait);
    }

    @Test
    void leaseIsEmptyWhenNothingArrivesWithinTheWait() {
        long t0 = System.nanoTime();
        assertThat(client.lease(request(1))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(server.calls()).containsExactly("POST /v1/worker/lease -> 204");
    }

    @Test
    void leaseCarriesTheJobAndTheFencingToken() {
        Job job = server.enqueue("text-to-3d", JsonMapper.builder().build().createObjectNode().put("prompt", "a torus"), Map.of());
        Lease lease = client.lease(request(1)).orElseThrow();
        assertThat(lease.jobId()).isEqualTo(job.id);
        assertThat(lease.type()).isEqualTo("text-to-3d");
        assertThat(lease.attempt()).isEqualTo(1);
        assertThat(lease.leaseToken()).isEqualTo(job.leaseToken);
        assertThat(lease.leaseSeconds()).isEqualTo(30);
        assertThat(lease.leaseExpiresAt()).isNotNull();
        assertThat(lease.params().path("prompt").asString()).isEqualTo("a torus");
        assertThat(server.leaseRequests().getFirst().toString())
                .isEqualTo("{\"workerId\":\"w-1\",\"capabilities\":{\"backend\":\"cpu\",\"threads\":2,\"memoryBytes\":1073741824,"
                        + "\"gpuName\":null,\"gpuMemoryBytes\":0},\"jobTypes\":[\"photos-to-splat\",\"text-to-3d\"],\"waitSeconds\":1,"
                        + "\"pollId\":\"" + server.leaseRequests().getFirst().path("pollId").asString() + "\"}");
        // Each long poll has an id of its own, by which the worker can end it early (cancelPoll).
        assertThat(server.leaseRequests().getFirst().path("pollId").asString())
                .matches("[0-9a-f-]{36}").isNotEqualTo(request(1).nextPoll().pollId());
    }

    @Test
    void transient503IsRetriedWithBackoff() {
        server.failNextLeases(2, 503);
        assertThat(client.lease(request(1))).isEmpty();
        assertThat(server.calls()).containsExactly("POST /v1/worker/lease -> 503", "POST /v1/worker/lease -> 503",
                "POST /v1/worker/lease -> 204");
    }

    @Test
    void persistent5xxEndsAsTransientApiExceptionAfterTheLastAttempt() {
        server.failNextLeases(10, 502);
        assertThatThrownBy(() -> client.lease(request(1)))
                .isInstanceOf(TransientApiException.class)
                .hasMessageContaining("HTTP 502")
                .satisfies(e -> assertThat(((ApiException) e).problemType()).isEqualTo("https://forge3d.dev/problems/unavailable"));
        assertThat(server.count("POST /v1/worker/lease")).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void clientErrorsAreNeverRetried() {
        server.failNextLeases(1, 400);
        assertThatThrownBy(() -> client.lease(request(1)))
                .isInstanceOf(ApiException.class)
                .isNotInstanceOf(TransientApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        assertThat(server.count("POST /v1/worker/lease")).isEqualTo(1);
    }

    @Test
    void wrongTokenIsUnauthorizedAndNotRetried() {
        WorkerApiClient wrong = new WorkerApiClient(HttpClient.newHttpClient(), server.uri(), "nope", FAST);
        assertThatThrownBy(() -> wrong.lease(request(1))).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("401").hasMessageContaining("worker token missing or wrong");
        assertThat(server.calls()).containsExactly("POST /v1/worker/lease -> 401");
    }

    @Test
    void connectionRefusedIsRetriedThenTransient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WorkerApiClient nowhere = new WorkerApiClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port), "tok", FAST);
        assertThatThrownBy(() -> nowhere.lease(request(1)))
                .isInstanceOf(TransientApiException.class)
                .hasMessageContaining("cannot connect")
                .satisfies(e -> assertThat(((ApiException) e).status()).isZero());
    }

    @Test
    void staleTokenIsA409StaleLeaseAndChangesNothing() {
        Job job = server.enqueue("photos-to-splat", null, Map.of("images/a.jpg", new byte[]{1, 2, 3}));
        Lease lease = client.lease(request(1)).orElseThrow();
        assertThatThrownBy(() -> client.complete(lease.jobId(), lease.leaseToken() - 1, JsonMapper.builder().build().createObjectNode()))
                .isInstanceOf(StaleLeaseException.class)
                .satisfies(e -> assertThat(((StaleLeaseException) e).problemType()).isEqualTo(ProtocolTestServer.STALE_LEASE));
        assertThat(job.state).isEqualTo(ProtocolTestServer.State.RUNNING);
        assertThat(server.count("POST /v1/worker/jobs/" + job.id + "/complete")).isEqualTo(1);

        HeartbeatResponse hb = client.heartbeat(lease.jobId(), new HeartbeatRequest(lease.leaseToken(), "ingest", 0.1, null, null));
        assertThat(hb.cancelRequested()).isFalse();
        assertThat(hb.leaseExpiresAt()).isNotNull();
    }

    @Test
    void inputsAndArtifactsStreamWithNamesThatNeedEncoding() throws Exception {
        byte[] photo = "not really a jpeg, but bytes".getBytes(StandardCharsets.UTF_8);
        Job job = server.enqueue("photos-to-splat", null, Map.of("images/ä b+c.jpg", photo));
        Lease lease = client.lease(request(1)).orElseThrow();
        assertThat(lease.inputs()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("images/ä b+c.jpg");
            assertThat(i.sha256()).isEqualTo(sha256(photo));
        });

        Path target = tmp.resolve("in/a.jpg");
        Sha256.Written w = client.downloadInput(lease.jobId(), lease.leaseToken(), "images/ä b+c.jpg", target);
        assertThat(Files.readAllBytes(target)).isEqualTo(photo);
        assertThat(w.sha256()).isEqualTo(sha256(photo));
        assertThat(w.size()).isEqualTo(photo.length);

        Path file = tmp.resolve("images.txt");
        Files.writeString(file, "# COLMAP images\n");
        ArtifactReceipt r = client.uploadArtifact(lease.jobId(), lease.leaseToken(), "cameras/images 1.txt", file, "text/plain");
        assertThat(r.name()).isEqualTo("cameras/images 1.txt");
        assertThat(r.sha256()).isEqualTo(Sha256.of(file));
        assertThat(job.attemptArtifacts.get("cameras/images 1.txt").contentType()).isEqualTo("text/plain");
        assertThat(job.published).isEmpty();

        client.complete(lease.jobId(), lease.leaseToken(), JsonMapper.builder().build().createObjectNode().put("psnr", 27.5));
        assertThat(job.published).containsOnlyKeys("cameras/images 1.txt");
        assertThat(job.completeMetrics.path("psnr").asDouble()).isEqualTo(27.5);
    }

    @Test
    void checkpointsRoundTripAndMissingOnesAreEmpty() throws Exception {
        server.enqueue("photos-to-splat", null, Map.of());
        Lease lease = client.lease(request(1)).orElseThrow();
        Path out = tmp.resolve("ckpt");
        assertThat(client.getCheckpoint(lease.jobId(), lease.leaseToken(), "train/latest.bin", out)).isFalse();
        assertThat(out).doesNotExist();

        Path in = tmp.resolve("state.bin");
        Files.write(in, new byte[]{9, 8, 7});
        client.putCheckpoint(lease.jobId(), lease.leaseToken(), "train/latest.bin", in);
        assertThat(client.getCheckpoint(lease.jobId(), lease.leaseToken(), "train/latest.bin", out)).isTrue();
        assertThat(Files.readAllBytes(out)).containsExactly(9, 8, 7);
    }

    @Test
    void failAndCanceledEndTheJob() {
        Job a = server.enqueue("photos-to-splat", null, Map.of());
        Lease la = client.lease(request(1)).orElseThrow();
        client.fail(la.jobId(), la.leaseToken(), "could not register 5 of 8 images", false);
        assertThat(a.state).isEqualTo(ProtocolTestServer.State.FAILED);
        assertThat(a.failReason).isEqualTo("could not register 5 of 8 images");

        Job b = server.enqueue("photos-to-splat", null, Map.of());
        Lease lb = client.lease(request(1)).orElseThrow();
        client.canceled(lb.jobId(), lb.leaseToken());
        assertThat(b.state).isEqualTo(ProtocolTestServer.State.CANCELED);
        assertThatThrownBy(() -> client.canceled(lb.jobId(), lb.leaseToken())).isInstanceOf(StaleLeaseException.class);
    }

    @Test
    void aConflictOfAnotherProblemTypeIsNotAStaleLease() {
        server.failNextLeases(1, 409);
        assertThatThrownBy(() -> client.lease(request(1)))
                .isInstanceOf(ApiException.class)
                .isNotInstanceOf(StaleLeaseException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(409));
    }

    @Test
    void pathSegmentsArePercentEncodedKeepingSlashes() {
        assertThat(ApiHttp.encodePath("cameras/images.txt")).isEqualTo("cameras/images.txt");
        assertThat(ApiHttp.encodePath("images/ä b+c.jpg")).isEqualTo("images/%C3%A4%20b%2Bc.jpg");
        assertThat(ApiHttp.encodeSegment("a/b")).isEqualTo("a%2Fb");
    }
}
