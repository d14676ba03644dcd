package dev.forge3d.worker.testserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A test double of the API's worker side: the worker protocol of docs/worker-protocol.md over real HTTP, with
 * jobs, leases (fencing tokens), artifacts and checkpoints in memory. Knobs inject the failures the worker must
 * survive (5xx on lease, 409 on heartbeat, cancel requests, corrupted inputs).
 */
public final class ProtocolTestServer implements AutoCloseable {

    public static final String STALE_LEASE = "https://forge3d.dev/problems/stale-lease";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED }

    public record Artifact(byte[] bytes, String contentType, String sha256) { }

    /** One job as the double keeps it. */
    public static final class Job {
        public final String id = UUID.randomUUID().toString();
        public final String type;
        public final ObjectNode params;
        public final Map<String, byte[]> inputs = new LinkedHashMap<>();
        public final Map<String, String> inputMediaTypes = new LinkedHashMap<>();
        /** Inputs served with different bytes than their listed sha256 (simulates corruption in transit). */
        public final Set<String> corruptInputs = ConcurrentHashMap.newKeySet();
        /** Inputs streamed slowly (64 KiB every 100 ms), as over a slow link. */
        public volatile boolean slowInputs;
        public volatile State state = State.QUEUED;
        public volatile int attempt;
        public volatile long leaseToken = -1;
        public volatile boolean cancelRequested;
        public volatile boolean refuseHeartbeats;
        /** Heartbeats answer 503 (the API is failing): the lease is not extended. */
        public volatile boolean heartbeatsUnavailable;
        public final Map<String, Artifact> attemptArtifacts = new ConcurrentHashMap<>();
        public volatile Map<String, Artifact> published = Map.of();
        public final Map<String, byte[]> checkpoints = new ConcurrentHashMap<>();
        public final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
        public volatile JsonNode completeMetrics;
        public volatile String failReason;
        public volatile Boolean failRetryable;
        public final AtomicInteger completeCalls = new AtomicInteger();
        public final AtomicInteger canceledCalls = new AtomicInteger();
        public volatile Instant canceledAt;
        public final int maxAttempts;

        Job(String type, ObjectNode params, int maxAttempts) {
            this.type = type;
            this.params = params;
            this.maxAttempts = maxAttempts;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String token;
    private final int leaseSeconds;
    private final AtomicLong fencing = new AtomicLong(100);
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final List<String> queue = Collections.synchronizedList(new ArrayList<>());
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> leaseRequests = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> cancelledPolls = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failNextLeases = new AtomicInteger();
    private volatile int failLeaseStatus = 503;

    public ProtocolTestServer(String token, int leaseSeconds) throws IOException {
        this.token = token;
        this.leaseSeconds = leaseSeconds;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- set-up and inspection -------------------------------------------------------------------------------

    public Job enqueue(String type, ObjectNode params, Map<String, byte[]> inputs) {
        return enqueue(type, params, inputs, 3);
    }

    public Job enqueue(String type, ObjectNode params, Map<String, byte[]> inputs, int maxAttempts) {
        Job j = new Job(type, params == null ? JSON.createObjectNode() : params, maxAttempts);
        j.inputs.putAll(inputs);
        inputs.keySet().forEach(n -> j.inputMediaTypes.put(n, n.endsWith(".png") ? "image/png" : "image/jpeg"));
        jobs.put(j.id, j);
        synchronized (queue) {
            queue.add(j.id);
            queue.notifyAll();
        }
        return j;
    }

    /** The next {@code n} lease calls answer {@code status} (problem+json). */
    public void failNextLeases(int n, int status) {
        failLeaseStatus = status;
        failNextLeases.set(n);
    }

    /** Every call seen, as {@code "METHOD path -> status"}. */
    public List<String> calls() { return List.copyOf(calls); }

    public long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }

    public List<JsonNode> leaseRequests() { return List.copyOf(leaseRequests); }

    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- protocol ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        try {
            route(ex, method, path);
        } catch (RuntimeException | IOException e) {
            problem(ex, 500, "https://forge3d.dev/problems/internal", e.toString());
        }
        ex.close();
    }

    private int route(HttpExchange ex, String method, String path) throws IOException {
        if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            return problem(ex, 401, "https://forge3d.dev/problems/unauthorized", "worker token missing or wrong");
        }
        if (method.equals("POST") && path.equals("/v1/worker/lease")) return lease(ex);
        if (method.equals("POST") && path.equals("/v1/worker/lease/cancel")) {
            cancelledPolls.add(JSON.readTree(ex.getRequestBody()).path("pollId").asString());
            synchronized (queue) {
                queue.notifyAll();
            }
            return empty(ex, 204);
        }
        String prefix = "/v1/worker/jobs/";
        if (!path.startsWith(prefix)) return problem(ex, 404, "https://forge3d.dev/problems/not-found", path);
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        Job job = jobs.get(rest.substring(0, slash));
        if (job == null) return problem(ex, 404, "https://forge3d.dev/problems/not-found", "no such job");
        String action = rest.substring(slash + 1);
        if (method.equals("POST")) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            long lt = body.path("leaseToken").asLong(-1);
            synchronized (job) {
                if (!current(job, lt)) return stale(ex);
                switch (action) {
                    case "heartbeat" -> {
                        if (job.heartbeatsUnavailable) {
                            return problem(ex, 503, "https://forge3d.dev/problems/unavailable", "injected failure");
                        }
                        job.heartbeats.add(body);
                        if (job.refuseHeartbeats) return stale(ex);
                        return json(ex, 200, Map.of("cancelRequested", job.cancelRequested,
                                "leaseExpiresAt", Instant.now().plusSeconds(leaseSeconds).toString()));
                    }
                    case "complete" -> {
                        job.completeCalls.incrementAndGet();
                        job.completeMetrics = body.get("metrics");
                        job.published = Map.copyOf(job.attemptArtifacts);
                        job.state = State.SUCCEEDED;
                        return json(ex, 200, Map.of("state", "SUCCEEDED"));
                    }
                    case "fail" -> {
                        job.failReason = body.path("reason").asString();
                        job.failRetryable = body.path("retryable").asBoolean();
                        if (job.failRetryable && job.attempt < job.maxAttempts) {
                            job.state = State.QUEUED;
                            job.attemptArtifacts.clear();
                            synchronized (queue) {
                                queue.add(job.id);
                                queue.notifyAll();
                            }
                        } else {
                            job.state = State.FAILED;
                        }
                        return json(ex, 200, Map.of("state", job.state.name()));
                    }
                    case "canceled" -> {
                        job.canceledCalls.incrementAndGet();
                        job.canceledAt = Instant.now();
                        job.state = State.CANCELED;
                        return json(ex, 200, Map.of("state", "CANCELED"));
                    }
                    default -> { return problem(ex, 404, "https://forge3d.dev/problems/not-found", action); }
                }
            }
        }
        long lt = parseLong(ex.getRequestHeaders().getFirst("X-Lease-Token"));
        if (!current(job, lt)) return stale(ex);
        if (method.equals("GET") && action.startsWith("inputs/")) {
            String name = decode(action.substring("inputs/".length()));
            byte[] b = job.inputs.get(name);
            if (b == null) return problem(ex, 404, "https://forge3d.dev/problems/not-found", "no input " + name);
            if (job.corruptInputs.contains(name)) {
                b = b.clone();
                b[0] ^= 1;
            }
            if (job.slowInputs) return slowly(ex, b);
            return bytes(ex, 200, b, "application/octet-stream");
        }
        if (method.equals("PUT") && action.startsWith("artifacts/")) {
            String name = decode(action.substring("artifacts/".length()));
            byte[] b = ex.getRequestBody().readAllBytes();
            String sha = sha256(b);
            job.attemptArtifacts.put(name, new Artifact(b, ex.getRequestHeaders().getFirst("Content-Type"), sha));
            return json(ex, 201, Map.of("name", name, "size", b.length, "sha256", sha));
        }
        if (action.startsWith("checkpoints/")) {
            String name = decode(action.substring("checkpoints/".length()));
            if (method.equals("PUT")) {
                job.checkpoints.put(name, ex.getRequestBody().readAllBytes());
                return empty(ex, 201);
            }
            byte[] b = job.checkpoints.get(name);
            if (b == null) return problem(ex, 404, "https://forge3d.dev/problems/not-found", "no checkpoint " + name);
            return bytes(ex, 200, b, "application/octet-stream");
        }
        return problem(ex, 405, "https://forge3d.dev/problems/method-not-allowed", method + " " + action);
    }

    private int lease(HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        leaseRequests.add(req);
        if (failNextLeases.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return problem(ex, failLeaseStatus, "https://forge3d.dev/problems/unavailable", "injected failure");
        }
        List<String> types = new ArrayList<>();
        req.path("jobTypes").forEach(t -> types.add(t.asString()));
        long deadline = System.nanoTime() + Math.min(30, req.path("waitSeconds").asInt(0)) * 1_000_000_000L;
        Job job = null;
        String pollId = req.path("pollId").asString("");
        synchronized (queue) {
            while (job == null && !cancelledPolls.contains(pollId)) {
                for (String id : queue) {
                    Job j = jobs.get(id);
                    if (types.contains(j.type)) {
                        queue.remove(id);
                        job = j;
                        break;
                    }
                }
                long left = deadline - System.nanoTime();
                if (job != null || left <= 0) break;
                try {
                    queue.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        if (job == null) {
            return empty(ex, 204);
        }
        ObjectNode lease = JSON.createObjectNode();
        synchronized (job) {
            job.attempt++;
            job.leaseToken = fencing.incrementAndGet();
            job.state = State.RUNNING;
            lease.put("jobId", job.id);
            lease.put("type", job.type);
            lease.put("attempt", job.attempt);
            lease.put("leaseToken", job.leaseToken);
            lease.put("leaseExpiresAt", Instant.now().plusSeconds(leaseSeconds).toString());
            lease.put("leaseSeconds", leaseSeconds);
            lease.set("params", job.params);
            var inputs = lease.putArray("inputs");
            for (var e : job.inputs.entrySet()) {
                inputs.addObject().put("name", e.getKey()).put("size", e.getValue().length)
                        .put("sha256", sha256(e.getValue())).put("mediaType", job.inputMediaTypes.get(e.getKey()));
            }
        }
        return json(ex, 200, lease);
    }

    private static boolean current(Job job, long leaseToken) {
        return job.state == State.RUNNING && job.leaseToken == leaseToken;
    }

    private int empty(HttpExchange ex, int status) throws IOException {
        record(ex, status);
        ex.sendResponseHeaders(status, -1);
        return status;
    }

    /** Recorded before the answer leaves, so a test that saw the answer also sees the call. */
    private void record(HttpExchange ex, int status) {
        calls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " -> " + status);
    }

    private int stale(HttpExchange ex) throws IOException {
        return problem(ex, 409, STALE_LEASE, "the lease token is not the job's current one");
    }

    private int problem(HttpExchange ex, int status, String type, String detail) throws IOException {
        ObjectNode p = JSON.createObjectNode().put("type", type).put("title", "error").put("status", status).put("detail", detail);
        ex.getResponseHeaders().set("Content-Type", "application/problem+json");
        byte[] b = JSON.writeValueAsBytes(p);
        drain(ex);
        record(ex, status);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
        return status;
    }

    private int json(HttpExchange ex, int status, Object body) throws IOException {
        return bytes(ex, status, JSON.writeValueAsBytes(body), "application/json");
    }

    private int bytes(HttpExchange ex, int status, byte[] b, String type) throws IOException {
        record(ex, status);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
        return status;
    }

    private int slowly(HttpExchange ex, byte[] b) throws IOException {
        record(ex, 200);
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            for (int off = 0; off < b.length; off += 65536) {
                os.write(b, off, Math.min(65536, b.length - off));
                os.flush();
                Thread.sleep(100);
            }
        } catch (InterruptedException | IOException e) {
            // the worker hung up (canceled) or the server is stopping
        }
        return 200;
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException alreadyReadAndClosed) {
            // the handler consumed the body already
        }
    }

    private static String decode(String rawPath) {
        StringBuilder sb = new StringBuilder();
        for (String seg : rawPath.split("/", -1)) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
