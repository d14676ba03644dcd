package dev.forge3d.api.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.auth.ApiKeys;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.TestDatabase;
import dev.forge3d.api.support.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Crash safety end to end, on loopback only: the API and {@link ChaosWorker} processes are killed with SIGKILL and
 * restarted at random while a client submits small photo jobs (retrying with its Idempotency-Key). Afterwards every
 * job is terminal, the client's submissions made exactly one job each, no job was completed twice, every
 * published artifact is the published attempt's own, every job whose cancel (every fifth job) got 202 ended
 * CANCELED, and once the cleanup sweeper has run no blob is left without a job, no unpublished attempt's artifact
 * and no checkpoint of a finished job.
 *
 * <p>Not run by default (tag {@code chaos}): {@code scripts/chaos.sh [jobs=40] [seconds=60] [workers=3]}.
 */
@Tag("chaos")
class CrashChaosTest {
    private static final String WORKER_TOKEN = "chaos-worker-token-0123456789";
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final Random random = new Random(Long.getLong("chaos.seed", 42));
    final String apiKey = ApiKeys.generate();
    final int jobs = Integer.getInteger("chaos.jobs", 40);
    final Duration chaosFor = Duration.ofSeconds(Integer.getInteger("chaos.seconds", 60));
    final int workerCount = Integer.getInteger("chaos.workers", 3);
    int port;
    Process apiProcess;
    int apiStarts;
    final Process[] workers = new Process[workerCount];
    final Map<String, Integer> kills = new TreeMap<>();
    final Set<String> acceptedCancels = ConcurrentHashMap.newKeySet();

    @Test
    void killedApiAndWorkersLeaveEveryJobTerminalOncePublishedAndNoOrphans() throws Exception {
        port = freePort();
        Path logs = Files.createDirectories(Path.of("target", "chaos"));
        try {
            startApi(logs);
            for (int i = 0; i < workerCount; i++) startWorker(i, logs);
            ApiClient api = new ApiClient("http://127.0.0.1:" + port, WORKER_TOKEN).unchecked();

            // The client submits in the background; the chaos loop kills and restarts meanwhile.
            Map<Integer, String> submitted = new ConcurrentHashMap<>();
            Thread client = Thread.ofPlatform().start(() -> submitAll(api, submitted));
            long end = System.nanoTime() + chaosFor.toNanos();
            for (int action = 1; System.nanoTime() < end || client.isAlive(); action++) {
                Thread.sleep(1000 + random.nextInt(2000));
                if (action % 4 == 0) { // every fourth kill is the API's
                    apiProcess.destroyForcibly().waitFor();
                    kills.merge("api", 1, Integer::sum);
                    startApi(logs);
                } else {
                    int w = random.nextInt(workerCount);
                    workers[w].destroyForcibly().waitFor();
                    kills.merge("worker", 1, Integer::sum);
                    startWorker(w, logs);
                }
            }
            client.join();
            assertThat(submitted).hasSize(jobs);

            // Calm: everything ends; then the sweeper (every 2 s, grace 10 s) cleans up.
            Map<String, JsonNode> finals = awaitTerminal(api, submitted.values(), Duration.ofMinutes(4));
            Thread.sleep(ORPHAN_GRACE.plusSeconds(5).toMillis());
            List<String> problems = awaitNoOrphans(Duration.ofSeconds(60));

            assertThat(problems).as("blobs left after the sweeper").isEmpty();
            assertThat(tenantJobCount()).as("one job per submission despite retries").isEqualTo(jobs);
            Map<String, Integer> succeededCompletes = succeededCompletes(logs);
            int succeeded = 0;
            for (var e : finals.entrySet()) {
                JsonNode job = e.getValue();
                String state = job.path("state").asString();
                assertThat(Set.of("SUCCEEDED", "FAILED", "CANCELED")).contains(state);
                int completes = succeededCompletes.getOrDefault(e.getKey(), 0);
                assertThat(completes).as("job %s answered SUCCEEDED to %d completes", e.getKey(), completes)
                        .isLessThanOrEqualTo(1);
                if (acceptedCancels.contains(e.getKey())) {
                    assertThat(state).as("job %s whose cancel got 202", e.getKey()).isEqualTo("CANCELED");
                    assertThat(job.path("artifacts")).isEmpty();
                }
                if (state.equals("SUCCEEDED")) {
                    succeeded++;
                    assertThat(job.path("artifacts")).hasSize(1);
                    String body = api.get("/v1/jobs/" + e.getKey() + "/artifacts/result.txt", apiKey).text();
                    assertThat(body).startsWith("job " + e.getKey() + " attempt " + job.path("attempt").asInt() + " ");
                }
            }
            long retried = finals.values().stream().filter(j -> j.path("attempt").asInt() > 1).count();
            String summary = String.format("chaos: %d jobs (%d SUCCEEDED, %d needed more than one attempt, %d "
                    + "cancels accepted), kills %s, API starts %d, completes answered 409 stale-lease %d", jobs,
                    succeeded, retried, acceptedCancels.size(), kills, apiStarts, staleCompletes(logs));
            System.out.println(summary);
            Files.writeString(logs.resolve("summary.txt"), summary + "\n");
        } finally {
            for (Process w : workers) if (w != null) w.destroyForcibly();
            if (apiProcess != null) apiProcess.destroyForcibly();
        }
    }

    private void submitAll(ApiClient api, Map<Integer, String> submitted) {
        byte[] photo = TestImages.jpeg(3);
        for (int i = 0; i < jobs; i++) {
            while (true) {
                try {
                    var r = api.postMultipart(apiKey, new Multipart().field("type", "photos-to-splat")
                                    .file("images", "p.jpg", "image/jpeg", photo),
                            Map.of("Idempotency-Key", "chaos-" + i));
                    if (r.status() == 202) {
                        submitted.put(i, r.json().path("id").asString());
                        if (i % 5 == 4) cancel(api, r.json().path("id").asString());
                        break;
                    }
                } catch (UncheckedIOException e) {
                    // the API is being restarted
                }
                sleep(300);
            }
            sleep(random.nextInt(300));
        }
    }

    /** A client's cancel of every fifth job, soon after its create; retried until the API answers. */
    private void cancel(ApiClient api, String id) {
        sleep(random.nextInt(1500));
        while (true) {
            try {
                int status = api.send("POST", "/v1/jobs/" + id + "/cancel", apiKey, Map.of(), null).status();
                if (status == 202) acceptedCancels.add(id);
                if (status == 202 || status == 409) return;
            } catch (UncheckedIOException e) {
                // the API is being restarted
            }
            sleep(300);
        }
    }

    private void startApi(Path logs) throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        List<String> cmd = new ArrayList<>(java(ChaosApi.class.getName()));
        cmd.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(), "--forge3d.data-dir=" + dir.resolve("data"),
                "--forge3d.auth.bootstrap-api-key=" + apiKey, "--forge3d.auth.bootstrap-tenant=chaos-" + port,
                "--forge3d.workers.token=" + WORKER_TOKEN, "--forge3d.queue.sweep-interval=500ms",
                "--forge3d.queue.max-attempts=20", "--forge3d.cleanup.interval=2s",
                "--forge3d.cleanup.orphan-grace=" + ORPHAN_GRACE.toSeconds() + "s",
                // The checking client reads every job and artifact as fast as it can: not what the limits are for.
                "--forge3d.limits.requests-per-second=1000000", "--forge3d.limits.burst=1000000",
                "--forge3d.limits.max-queued-jobs=1000000"));
        apiProcess = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve("api-" + (++apiStarts) + ".log").toFile()).start();
        ApiClient probe = new ApiClient("http://127.0.0.1:" + port, WORKER_TOKEN).unchecked();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            assertThat(apiProcess.isAlive()).as("API process exited; see target/chaos/api-%d.log", apiStarts).isTrue();
            assertThat(System.nanoTime()).as("API not ready in 120 s").isLessThan(deadline);
            try {
                if (probe.get("/actuator/health", null).status() == 200) return;
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
    }

    private void startWorker(int i, Path logs) throws IOException {
        List<String> cmd = new ArrayList<>(java(ChaosWorker.class.getName()));
        cmd.addAll(List.of("http://127.0.0.1:" + port, WORKER_TOKEN, "chaos-" + i,
                logs.resolve("completes.log").toString()));
        workers[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("worker-" + i + ".log").toFile()))
                .start();
    }

    /** A child JVM on the test classpath; its home is the test's folder, so nothing lands in the real one. */
    private List<String> java(String mainClass) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass);
    }

    private Map<String, JsonNode> awaitTerminal(ApiClient api, java.util.Collection<String> ids, Duration max)
            throws InterruptedException {
        Map<String, JsonNode> out = new HashMap<>();
        long deadline = System.nanoTime() + max.toNanos();
        for (String id : ids) {
            while (true) {
                JsonNode job = api.get("/v1/jobs/" + id, apiKey).json();
                String s = job.path("state").asString();
                if (s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELED")) {
                    out.put(id, job);
                    break;
                }
                assertThat(System.nanoTime()).as("job %s still %s", id, s).isLessThan(deadline);
                Thread.sleep(250);
            }
        }
        return out;
    }

    /** What the sweeper should have removed and has not yet; waits up to {@code max} for it to be empty. */
    private List<String> awaitNoOrphans(Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        List<String> problems;
        do {
            problems = orphans();
            if (problems.isEmpty()) return problems;
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        return problems;
    }

    private List<String> orphans() throws Exception {
        Path root = dir.resolve("data/blobs");
        Map<UUID, Object[]> rows = new HashMap<>();
        TestDatabase.Connection db = TestDatabase.get();
        try (var c = DriverManager.getConnection(db.url(), db.username(), db.password());
                var rs = c.createStatement().executeQuery("select id, state, published_attempt from jobs")) {
            while (rs.next()) rows.put(rs.getObject(1, UUID.class), new Object[] {rs.getString(2), rs.getObject(3)});
        }
        List<String> problems = new ArrayList<>();
        if (!Files.exists(root)) return problems;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (p.getFileName().toString().startsWith(".upload-")) {
                    problems.add("partial write " + key);
                    continue;
                }
                String[] parts = key.split("/");
                Object[] row = rows.get(UUID.fromString(parts[1]));
                if (row == null) {
                    problems.add("no job: " + key);
                } else if (Set.of("SUCCEEDED", "FAILED", "CANCELED").contains((String) row[0])) {
                    boolean input = parts[2].equals("inputs");
                    boolean published = parts[2].equals("attempts") && row[1] != null
                            && parts[3].equals(row[1].toString());
                    if (!input && !published) problems.add("finished job keeps " + key);
                }
            }
        }
        Path spool = dir.resolve("data/spool");
        if (Files.isDirectory(spool)) {
            try (Stream<Path> files = Files.list(spool)) {
                long old = files.filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toInstant()
                                .isBefore(java.time.Instant.now().minus(ORPHAN_GRACE.multipliedBy(2)));
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
                if (old > 0) problems.add(old + " old spool files");
            }
        }
        return problems;
    }

    private long tenantJobCount() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        try (var c = DriverManager.getConnection(db.url(), db.username(), db.password());
                var st = c.prepareStatement("select count(*) from jobs j join tenants t on t.id = j.tenant_id "
                        + "where t.name = ?")) {
            st.setString(1, "chaos-" + port);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Per job, how many completes were answered 200 SUCCEEDED (from every worker process's log). */
    private static Map<String, Integer> succeededCompletes(Path logs) throws IOException {
        Map<String, Integer> n = new HashMap<>();
        Path log = logs.resolve("completes.log");
        if (!Files.exists(log)) return n;
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length == 5 && f[0].equals("COMPLETE") && f[3].equals("200") && f[4].equals("SUCCEEDED")) {
                n.merge(f[1], 1, Integer::sum);
            }
        }
        return n;
    }

    private static long staleCompletes(Path logs) throws IOException {
        Path log = logs.resolve("completes.log");
        if (!Files.exists(log)) return 0;
        return Files.readAllLines(log).stream().filter(l -> l.contains(" 409 ")).count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
