package dev.forge3d.api.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.standardwebhooks.Webhook;
import dev.forge3d.api.auth.ApiKeys;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks survive SIGKILLs of the API process (a real process, as in {@link CrashChaosTest}):
 * <ol>
 * <li>killed after a job finished and before any POST (the first API runs no dispatcher pass: its poll interval is
 * an hour): the restarted API delivers the message, signed, once;</li>
 * <li>killed during the POST (the receiver holds the first request until the API is dead): the restarted API sends
 * it again, with the same webhook-id, after the claim timeout, and the log shows the interrupted attempt.</li>
 * </ol>
 * Tag {@code chaos} (excluded by default, it starts three API processes):
 * {@code mvn -pl api-service test -Dtest=WebhookCrashTest -Dforge3d.excludedTags=none}.
 */
@Tag("chaos")
class WebhookCrashTest {
    private static final String WORKER_TOKEN = "chaos-worker-token-0123456789";

    @TempDir
    Path dir;
    final String apiKey = ApiKeys.generate();
    int port;
    int starts;
    String databaseUrl;
    Process api;

    record Received(Map<String, List<String>> headers, String body, String path) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    final CountDownLatch releaseHeld = new CountDownLatch(1);

    @Test
    void aKilledApiDeliversAfterRestartWhetherKilledBeforeOrDuringThePost() throws Exception {
        port = freePort();
        databaseUrl = ownDatabase();
        Path logs = Files.createDirectories(Path.of("target", "chaos"));
        HttpServer receiver = receiver();
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try {
            // 1. Killed between the state change and the POST.
            startApi(logs, "1h");
            ApiClient client = new ApiClient("http://127.0.0.1:" + port, WORKER_TOKEN).unchecked();
            String secret = client.postJson("/v1/webhook-secrets", apiKey, "").json().path("secret").asString();
            String job1 = createAndFinish(client, base + "/after-kill");
            assertThat(client.get("/v1/jobs/" + job1, apiKey).json().path("state").asString()).isEqualTo("SUCCEEDED");
            Thread.sleep(500);
            assertThat(received).as("nothing is sent while the dispatcher has not run").isEmpty();
            api.destroyForcibly().waitFor(); // SIGKILL
            startApi(logs, "200ms");
            awaitReceived(1);
            Received first = received.getFirst();
            assertThat(first.path()).isEqualTo("/after-kill");
            new Webhook(secret).verify(first.body(), first.headers());
            JsonNode body = ApiClient.JSON.readTree(first.body());
            assertThat(body.path("type").asString()).isEqualTo("job.succeeded");
            assertThat(body.path("data").path("id").asString()).isEqualTo(job1);
            JsonNode d1 = awaitDelivered(client, job1);
            assertThat(d1.path("attempts")).hasSize(1);

            // 2. Killed during the POST: the receiver holds the request until the API process is dead.
            String job2 = createAndFinish(client, base + "/hold");
            awaitReceived(2);
            api.destroyForcibly().waitFor(); // SIGKILL while the attempt is in flight
            releaseHeld.countDown();
            startApi(logs, "200ms");
            awaitReceived(3);
            Received held = received.get(1), again = received.get(2);
            assertThat(again.path()).isEqualTo("/hold");
            assertThat(again.headers().get("webhook-id")).isEqualTo(held.headers().get("webhook-id"));
            assertThat(again.body()).isEqualTo(held.body());
            new Webhook(secret).verify(again.body(), again.headers());
            JsonNode d2 = awaitDelivered(client, job2);
            assertThat(d2.path("attempts")).hasSize(2);
            assertThat(d2.path("attempts").get(0).path("finishedAt").isNull()).as("the interrupted attempt").isTrue();
            assertThat(d2.path("attempts").get(1).path("statusCode").asInt()).isEqualTo(200);
            Thread.sleep(1000);
            assertThat(received).as("no further attempt after the delivery").hasSize(3);
            Files.writeString(logs.resolve("webhook-summary.txt"), "API starts: " + starts + "\n"
                    + "killed before the POST: delivered after restart, attempts " + d1.path("attempts").size() + "\n"
                    + "killed during the POST: delivered after restart with the same webhook-id, attempts "
                    + d2.path("attempts").size() + " (first unfinished)\n");
        } finally {
            releaseHeld.countDown();
            if (api != null) api.destroyForcibly().waitFor();
            receiver.stop(0);
        }
    }

    private String createAndFinish(ApiClient client, String callbackUrl) {
        ApiClient.Res created = client.postJson("/v1/jobs", apiKey, ApiClient.JSON.writeValueAsString(Map.of(
                "type", "text-to-3d", "prompt", "a red cube", "callbackUrl", callbackUrl)));
        assertThat(created.status()).as(created.text()).isEqualTo(202);
        String id = created.json().path("id").asString();
        JsonNode lease = client.lease("crash-worker", 5, 30).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(id);
        assertThat(client.complete(id, lease.path("leaseToken").asLong()).status()).isEqualTo(200);
        return id;
    }

    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            String path = exchange.getRequestURI().getPath();
            boolean hold = path.equals("/hold") && received.stream().noneMatch(r -> r.path().equals("/hold"));
            received.add(new Received(headers, new String(body, StandardCharsets.UTF_8), path));
            if (hold) {
                try {
                    releaseHeld.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException gone) {
                // the API that sent the held request is dead
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    private void awaitReceived(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < n) {
            assertThat(System.nanoTime()).as("%d webhook requests in 60 s, got %d", n, received.size()).isLessThan(end);
            Thread.sleep(50);
        }
    }

    private JsonNode awaitDelivered(ApiClient client, String jobId) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode d = client.get("/v1/jobs/" + jobId + "/deliveries", apiKey).json().path("items").get(0);
            if (d != null && d.path("state").asString().equals("delivered")) return d;
            assertThat(System.nanoTime()).as("delivery of %s: %s", jobId, d).isLessThan(end);
            Thread.sleep(100);
        }
    }

    private void startApi(Path logs, String webhookPollInterval) throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ChaosApi.class.getName()));
        cmd.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.datasource.url=" + databaseUrl, "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(), "--forge3d.data-dir=" + dir.resolve("data"),
                "--forge3d.auth.bootstrap-api-key=" + apiKey, "--forge3d.auth.bootstrap-tenant=webhook-crash-" + port,
                "--forge3d.workers.token=" + WORKER_TOKEN,
                "--forge3d.webhooks.allow-private=true",
                "--forge3d.webhooks.poll-interval=" + webhookPollInterval,
                "--forge3d.webhooks.claim-timeout=3s"));
        api = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve("webhook-api-" + (++starts) + ".log").toFile()).start();
        ApiClient probe = new ApiClient("http://127.0.0.1:" + port, WORKER_TOKEN).unchecked();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            assertThat(api.isAlive()).as("API process exited; see target/chaos/webhook-api-%d.log", starts).isTrue();
            assertThat(System.nanoTime()).as("API not ready in 120 s").isLessThan(deadline);
            try {
                if (probe.get("/actuator/health", null).status() == 200) return;
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
    }

    /**
     * A database of its own on the test PostgreSQL: API contexts of other test classes in this JVM share the default
     * one, and their dispatchers would (rightly, as replicas) send this test's messages.
     */
    private static String ownDatabase() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        String name = "webhook_crash_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        Matcher m = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)").matcher(db.url());
        if (!m.matches()) throw new IllegalStateException("unexpected JDBC URL " + db.url());
        return m.group(1) + name + m.group(3);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
