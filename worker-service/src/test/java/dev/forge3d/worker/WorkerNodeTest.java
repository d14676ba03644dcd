package dev.forge3d.worker;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.client.RetryPolicy;
import dev.forge3d.worker.pipeline.DiagnosticStage;
import dev.forge3d.worker.pipeline.JobResult;
import dev.forge3d.worker.pipeline.Pipeline;
import dev.forge3d.worker.pipeline.PipelineRegistry;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import dev.forge3d.worker.testserver.ProtocolTestServer;
import dev.forge3d.worker.testserver.ProtocolTestServer.Job;
import dev.forge3d.worker.testserver.ProtocolTestServer.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.forge3d.worker.testserver.ProtocolTestServer.await;
import static dev.forge3d.worker.testserver.ProtocolTestServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker node against an in-test HTTP server that speaks the worker protocol. */
class WorkerNodeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "worker-secret";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path workDir;
    private ProtocolTestServer server;
    private WorkerNode node;

    @BeforeEach
    void startServer() throws Exception {
        // 2 s leases: a heartbeat every ~667 ms, and a lease expires locally only after 2 s without one
        server = new ProtocolTestServer(TOKEN, 2);
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
        server.close();
    }

    private WorkerNode startNode(PipelineRegistry pipelines) {
        return startNode(pipelines, TOKEN);
    }

    private WorkerNode startNode(PipelineRegistry pipelines, String token) {
        return startNode(pipelines, token, 1);
    }

    private WorkerNode startNode(PipelineRegistry pipelines, String token, int leaseWait) {
        WorkerConfig config = WorkerConfig.builder(server.uri(), token)
                .workerId("w-test")
                .workDir(workDir)
                .leaseWaitSeconds(leaseWait)
                .pipelines(pipelines)
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100)))
                .shutdownGrace(Duration.ofMillis(200))
                .build();
        node = WorkerNode.start(config);
        return node;
    }

    private static Map<String, byte[]> photos() {
        Random r = new Random(7);
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String n : List.of("images/a.jpg", "images/b c.jpg", "images/ü.png")) {
            byte[] b = new byte[5000 + r.nextInt(100_000)];
            r.nextBytes(b);
            m.put(n, b);
        }
        return m;
    }

    @Test
    void leasedPhotoJobRunsDiagnosticStageAndCompletesWithManifest() throws Exception {
        Map<String, byte[]> inputs = photos();
        ObjectNode params = JSON.createObjectNode().put("preset", "preview").put("iterations", "500");
        Job job = server.enqueue("photos-to-splat", params, inputs);
        startNode(PipelineRegistry.diagnostic());

        assertThat(await(() -> job.state == State.SUCCEEDED, WAIT)).as("job state %s", job.state).isTrue();
        assertThat(job.completeCalls.get()).isEqualTo(1);
        assertThat(job.published).containsKeys("manifest.json", "metrics.json");

        ProtocolTestServer.Artifact manifestArtifact = job.published.get("manifest.json");
        assertThat(manifestArtifact.contentType()).isEqualTo("application/json");
        JsonNode manifest = JSON.readTree(manifestArtifact.bytes());
        assertThat(manifest.path("kind").asString()).isEqualTo(DiagnosticStage.KIND);
        assertThat(manifest.path("description").asString()).contains("not a 3D result");
        assertThat(manifest.path("jobId").asString()).isEqualTo(job.id);
        assertThat(manifest.path("params").path("preset").asString()).isEqualTo("preview");
        List<String> names = new ArrayList<>();
        for (JsonNode in : manifest.path("inputs")) {
            String name = in.path("name").asString();
            names.add(name);
            assertThat(in.path("size").asLong()).isEqualTo(inputs.get(name).length);
            assertThat(in.path("sha256").asString()).isEqualTo(sha256(inputs.get(name)));
        }
        assertThat(names).containsExactlyElementsOf(inputs.keySet());

        JsonNode metrics = job.completeMetrics;
        assertThat(metrics.path("workerId").asString()).isEqualTo("w-test");
        assertThat(metrics.path("backend").asString()).isEqualTo("cpu");
        assertThat(metrics.path("stages").has("diagnostic")).isTrue();
        assertThat(metrics.path("upload").path("artifacts").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(job.published.get("metrics.json").bytes()).path("stages").has("diagnostic")).isTrue();

        JsonNode leaseRequest = server.leaseRequests().getFirst();
        assertThat(leaseRequest.path("workerId").asString()).isEqualTo("w-test");
        assertThat(leaseRequest.path("capabilities").path("backend").asString()).isEqualTo("cpu");
        assertThat(leaseRequest.path("capabilities").path("threads").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(leaseRequest.path("jobTypes").toString()).contains("photos-to-splat", "text-to-3d");
        Path attemptDir = workDir.resolve("jobs").resolve(job.id).resolve("attempt-1");
        assertThat(await(() -> !Files.exists(attemptDir), WAIT)).as("attempt folder cleaned up").isTrue();
    }

    @Test
    void textJobWritesManifestWithThePromptAndNoInputs() throws Exception {
        Job job = server.enqueue("text-to-3d", JSON.createObjectNode().put("prompt", "a red cube"), Map.of());
        startNode(PipelineRegistry.diagnostic());

        assertThat(await(() -> job.state == State.SUCCEEDED, WAIT)).isTrue();
        JsonNode manifest = JSON.readTree(job.published.get("manifest.json").bytes());
        assertThat(manifest.path("params").path("prompt").asString()).isEqualTo("a red cube");
        assertThat(manifest.path("inputs").size()).isZero();
        assertThat(manifest.path("jobType").asString()).isEqualTo("text-to-3d");
    }

    @Test
    void heartbeatsCarryStageProgressAndEta() throws Exception {
        Job job = server.enqueue("photos-to-splat", null, photos());
        startNode(registry(new SteppingStage("train", 60, 50)));

        assertThat(await(() -> job.state == State.SUCCEEDED, WAIT)).isTrue();
        List<JsonNode> beats = job.heartbeats.stream().filter(h -> h.path("stage").asString().equals("train")).toList();
        assertThat(beats).as("heartbeats during a 3 s stage with 2 s leases").hasSizeGreaterThanOrEqualTo(3);
        double previous = -1;
        for (JsonNode h : beats) {
            assertThat(h.path("leaseToken").asLong()).isEqualTo(job.leaseToken);
            double p = h.path("progress").asDouble();
            assertThat(p).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
            previous = p;
        }
        assertThat(beats.getLast().path("progress").asDouble()).isGreaterThan(beats.getFirst().path("progress").asDouble());
        assertThat(beats.stream().anyMatch(h -> h.path("etaSeconds").isNumber() && h.path("etaSeconds").asDouble() > 0))
                .as("some heartbeat carries an ETA").isTrue();
        assertThat(beats.stream().anyMatch(h -> h.path("message").asString("").startsWith("step "))).isTrue();
    }

    @Test
    void cancelRequestStopsTheStageAndIsAcknowledgedWithinSeconds() throws Exception {
        SteppingStage endless = new SteppingStage("train", 1_000_000, 20);
        Job job = server.enqueue("photos-to-splat", null, photos());
        startNode(registry(endless));
        assertThat(await(() -> endless.steps.size() > 5, WAIT)).isTrue();

        Instant requested = Instant.now();
        job.cancelRequested = true;
        assertThat(await(() -> job.state == State.CANCELED, Duration.ofSeconds(5))).as("canceled within 5 s").isTrue();
        assertThat(Duration.between(requested, job.canceledAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(job.canceledCalls.get()).isEqualTo(1);
        assertThat(job.completeCalls.get()).isZero();
        assertThat(job.attemptArtifacts).isEmpty();
        assertThat(await(() -> node.lastResult().map(r -> r.outcome() == JobResult.Outcome.CANCELED).orElse(false), WAIT)).isTrue();

        // the worker is free again: it takes and finishes the next job
        Job next = server.enqueue("text-to-3d", JSON.createObjectNode().put("prompt", "x"), Map.of());
        assertThat(await(() -> next.state == State.SUCCEEDED || next.state == State.RUNNING, WAIT)).isTrue();
    }

    @Test
    void withLongLeasesHeartbeatsStillComeOftenEnoughToSeeACancelInSeconds() throws Exception {
        server.close();
        server = new ProtocolTestServer(TOKEN, 30); // the API's default lease: leaseSeconds/3 alone would be 10 s
        SteppingStage endless = new SteppingStage("train", 1_000_000, 20);
        Job job = server.enqueue("photos-to-splat", null, photos());
        node = WorkerNode.start(WorkerConfig.builder(server.uri(), TOKEN).workerId("w-test").workDir(workDir)
                .leaseWaitSeconds(1).pipelines(registry(endless)).maxHeartbeatInterval(Duration.ofMillis(500)).build());
        assertThat(await(() -> job.heartbeats.size() >= 2, Duration.ofSeconds(5))).isTrue();
        job.cancelRequested = true;
        assertThat(await(() -> job.state == State.CANCELED, Duration.ofSeconds(3))).isTrue();
    }

    @Test
    void cancelDuringASlowDownloadInterruptsIt() throws Exception {
        byte[] big = new byte[8 << 20]; // 128 chunks of 64 KiB at 10 per second: ~13 s if not interrupted
        new Random(1).nextBytes(big);
        Job job = server.enqueue("photos-to-splat", null, Map.of("images/big.jpg", big));
        job.slowInputs = true;
        startNode(PipelineRegistry.diagnostic());
        assertThat(await(() -> job.heartbeats.stream().anyMatch(h -> h.path("stage").asString().equals("download")), WAIT)).isTrue();

        Instant requested = Instant.now();
        job.cancelRequested = true;
        assertThat(await(() -> job.state == State.CANCELED, Duration.ofSeconds(5))).as("canceled within 5 s").isTrue();
        assertThat(Duration.between(requested, job.canceledAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(job.completeCalls.get()).isZero();
    }

    @Test
    void staleLeaseOnHeartbeatStopsTheJobAndNeverPublishes() throws Exception {
        SteppingStage endless = new SteppingStage("train", 1_000_000, 20);
        Job job = server.enqueue("photos-to-splat", null, photos());
        job.refuseHeartbeats = true;
        startNode(registry(endless));

        assertThat(await(() -> node.lastResult().isPresent(), WAIT)).isTrue();
        assertThat(node.lastResult().get().outcome()).isEqualTo(JobResult.Outcome.LEASE_LOST);
        assertThat(endless.stoppedByCancel.get()).as("the stage saw the stop").isTrue();
        Thread.sleep(500); // anything the worker would still send would arrive now
        assertThat(job.completeCalls.get()).isZero();
        assertThat(job.canceledCalls.get()).isZero();
        assertThat(job.failReason).isNull();
        assertThat(job.attemptArtifacts).isEmpty();
        assertThat(server.calls()).noneMatch(c -> c.contains("/artifacts/") || c.contains("/complete") || c.contains("/fail"));
        assertThat(job.heartbeats).hasSize(1);
    }

    @Test
    void heartbeatsThatFailForAWholeLeasePeriodStopTheJobLocally() throws Exception {
        SteppingStage endless = new SteppingStage("train", 1_000_000, 20);
        Job job = server.enqueue("photos-to-splat", null, photos());
        job.heartbeatsUnavailable = true;
        startNode(registry(endless));

        assertThat(await(() -> node.lastResult().isPresent(), WAIT)).isTrue();
        JobResult r = node.lastResult().get();
        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.LEASE_LOST);
        assertThat(r.reason()).contains("no heartbeat was accepted for 2 s");
        assertThat(endless.stoppedByCancel.get()).isTrue();
        assertThat(server.calls()).noneMatch(c -> c.contains("/artifacts/") || c.contains("/complete") || c.contains("/fail"));
    }

    @Test
    void transient503OnLeaseIsRetried() throws Exception {
        server.failNextLeases(5, 503);
        Job job = server.enqueue("text-to-3d", JSON.createObjectNode().put("prompt", "a cone"), Map.of());
        startNode(PipelineRegistry.diagnostic());

        assertThat(await(() -> job.state == State.SUCCEEDED, WAIT)).isTrue();
        assertThat(server.calls().stream().filter(c -> c.startsWith("POST /v1/worker/lease -> 503")).count()).isEqualTo(5);
        assertThat(node.isRunning()).isTrue();
    }

    @Test
    void stageFailureFailsTheJobWithItsReason() throws Exception {
        Stage bad = new Stage() {
            @Override public String name() { return "ingest"; }
            @Override public void run(StageContext ctx) {
                throw new StageFailedException("all 3 images are corrupt: a.jpg, b c.jpg, ü.png");
            }
        };
        Job job = server.enqueue("photos-to-splat", null, photos());
        startNode(registry(bad));

        assertThat(await(() -> job.state == State.FAILED, WAIT)).isTrue();
        assertThat(job.failReason).isEqualTo("all 3 images are corrupt: a.jpg, b c.jpg, ü.png");
        assertThat(job.failRetryable).isFalse();
        assertThat(job.completeCalls.get()).isZero();
    }

    @Test
    void unexpectedStageExceptionFailsWithStageNameAndMessage() throws Exception {
        Stage buggy = new Stage() {
            @Override public String name() { return "export"; }
            @Override public void run(StageContext ctx) { throw new IllegalStateException("no gaussians to export"); }
        };
        Job job = server.enqueue("photos-to-splat", null, photos());
        startNode(registry(buggy));

        assertThat(await(() -> job.state == State.FAILED, WAIT)).isTrue();
        assertThat(job.failReason).isEqualTo("stage 'export' failed: no gaussians to export");
    }

    @Test
    void checkpointSavedInOneAttemptIsResumedInTheNext() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Stage resumable = new Stage() {
            @Override public String name() { return "train"; }
            @Override public void run(StageContext ctx) throws Exception {
                Path ckpt = ctx.workDir().resolve("ckpt.bin");
                if (ctx.checkpoints().fetch("train/latest.bin", ckpt)) {
                    seen.add("attempt " + ctx.attempt() + " resumed from " + Files.readString(ckpt));
                    Files.writeString(ctx.outputDir().resolve("result.txt"), "resumed");
                    return;
                }
                seen.add("attempt " + ctx.attempt() + " started fresh");
                Files.writeString(ckpt, "iteration 700");
                ctx.checkpoints().save("train/latest.bin", ckpt);
                throw new StageFailedException("simulated crash after a checkpoint", true, null);
            }
        };
        Job job = server.enqueue("photos-to-splat", null, photos());
        startNode(registry(resumable));

        assertThat(await(() -> job.state == State.SUCCEEDED, WAIT)).isTrue();
        assertThat(seen).containsExactly("attempt 1 started fresh", "attempt 2 resumed from iteration 700");
        assertThat(job.attempt).isEqualTo(2);
        assertThat(new String(job.published.get("result.txt").bytes(), StandardCharsets.UTF_8)).isEqualTo("resumed");
        assertThat(job.published.get("result.txt").contentType()).startsWith("text/plain");
    }

    @Test
    void closeHandsTheRunningJobBackAsRetryable() throws Exception {
        SteppingStage endless = new SteppingStage("train", 1_000_000, 20);
        Job job = server.enqueue("photos-to-splat", null, photos(), 1);
        startNode(registry(endless));
        assertThat(await(() -> endless.steps.size() > 3, WAIT)).isTrue();

        node.close();
        assertThat(node.isRunning()).isFalse();
        assertThat(node.lastResult().orElseThrow().outcome()).isEqualTo(JobResult.Outcome.ABANDONED);
        assertThat(job.failRetryable).isTrue();
        assertThat(job.failReason).contains("w-test shut down during stage 'train'");
        assertThat(job.completeCalls.get()).isZero();
    }

    @Test
    void closeWhileIdleEndsTheLongPollPromptly() throws Exception {
        startNode(PipelineRegistry.diagnostic(), TOKEN, 20);
        assertThat(await(() -> !server.leaseRequests().isEmpty(), WAIT)).isTrue();
        long t0 = System.nanoTime();
        node.close();
        assertThat(node.isRunning()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(node.failure()).isEmpty();
    }

    @Test
    void corruptedInputIsDownloadedAgainThenFailsRetryable() throws Exception {
        Map<String, byte[]> inputs = photos();
        Job job = server.enqueue("photos-to-splat", null, inputs, 1);
        job.corruptInputs.add("images/a.jpg");
        startNode(PipelineRegistry.diagnostic());

        assertThat(await(() -> job.state == State.FAILED, WAIT)).isTrue();
        assertThat(job.failReason).contains("input 'images/a.jpg' arrived corrupted twice");
        assertThat(job.failRetryable).isTrue();
        assertThat(server.count("GET /v1/worker/jobs/" + job.id + "/inputs/images/a.jpg")).isEqualTo(2);
    }

    @Test
    void rejectedWorkerTokenStopsTheNodeWithAReason() throws Exception {
        startNode(PipelineRegistry.diagnostic(), "wrong-token");
        assertThat(node.awaitStopped(WAIT)).isTrue();
        assertThat(node.failure()).get().asString().contains("401");
        assertThat(server.count("POST /v1/worker/lease")).isEqualTo(1);
    }

    @Test
    void capabilitiesComeFromTheHost() {
        Capabilities c = HostProbe.capabilities();
        assertThat(c.backend()).isEqualTo(HostProbe.cuda().available() ? "cuda" : "cpu");
        assertThat(c.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.memoryBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    }

    private static PipelineRegistry registry(Stage stage) {
        return PipelineRegistry.of(Pipeline.builder("photos-to-splat").stage(stage, 1).build(),
                Pipeline.builder("text-to-3d").stage(new DiagnosticStage(), 1).build());
    }

    /** A stage that does {@code steps} steps of {@code millis} each, reporting progress and honouring cancel. */
    static final class SteppingStage implements Stage {
        final String name;
        final int total;
        final long millis;
        final List<Integer> steps = new CopyOnWriteArrayList<>();
        final AtomicBoolean stoppedByCancel = new AtomicBoolean();

        SteppingStage(String name, int total, long millis) {
            this.name = name;
            this.total = total;
            this.millis = millis;
        }

        @Override public String name() { return name; }

        @Override
        public void run(StageContext ctx) throws Exception {
            for (int i = 0; i < total; i++) {
                if (ctx.progress().cancelRequested()) {
                    stoppedByCancel.set(true);
                    ctx.progress().checkCancelled();
                }
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    stoppedByCancel.set(true);
                    throw e;
                }
                steps.add(i);
                ctx.progress().onProgress(new Progress(name, (i + 1.0) / total, Double.NaN, "step " + (i + 1), Map.of()));
            }
            Files.writeString(ctx.outputDir().resolve("steps.txt"), Integer.toString(steps.size()));
        }
    }
}
