package dev.forge3d.api.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker process for {@link CrashChaosTest}: speaks the real HTTP worker protocol (lease, heartbeat, input
 * download, checkpoint and artifact upload, complete) without a pipeline, so that many jobs run in little time.
 * It is killed with SIGKILL at random; every complete it gets an answer to is appended to its log as
 * {@code COMPLETE <jobId> <attempt> <status> <state>}.
 *
 * <p>Arguments: api url, worker token, worker id, log file.
 */
public final class ChaosWorker {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private ChaosWorker() {}

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String token = args[1];
        String id = args[2];
        Path log = Path.of(args[3]);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            while (true) {
                try {
                    runOne(api, token, id, out);
                } catch (IOException e) {
                    Thread.sleep(300); // the API is down (being restarted): try again
                }
            }
        }
    }

    private static void runOne(String api, String token, String id, PrintWriter out)
            throws IOException, InterruptedException {
        var lease = send(api, token, "POST", "/v1/worker/lease", null, json(Map.of("workerId", id,
                "jobTypes", java.util.List.of("photos-to-splat"), "waitSeconds", 2, "leaseSeconds", 3,
                "capabilities", Map.of("backend", "cuda"))));
        if (lease.statusCode() != 200) return;
        JsonNode l = JSON.readTree(lease.body());
        String job = l.path("jobId").asString();
        int attempt = l.path("attempt").asInt();
        long lt = l.path("leaseToken").asLong();
        String base = "/v1/worker/jobs/" + job;
        send(api, token, "POST", base + "/heartbeat", null,
                json(Map.of("leaseToken", lt, "stage", "chaos", "progress", 0.1)));
        for (JsonNode in : l.path("inputs")) {
            send(api, token, "GET", base + "/inputs/" + in.path("name").asString(), lt, null);
        }
        send(api, token, "PUT", base + "/checkpoints/state.bin", lt, HttpRequest.BodyPublishers.ofByteArray(
                ("checkpoint of attempt " + attempt).getBytes(StandardCharsets.UTF_8)));
        Thread.sleep(ThreadLocalRandom.current().nextInt(400));
        send(api, token, "PUT", base + "/artifacts/result.txt", lt, HttpRequest.BodyPublishers.ofByteArray(
                ("job " + job + " attempt " + attempt + " worker " + id).getBytes(StandardCharsets.UTF_8)));
        var done = send(api, token, "POST", base + "/complete", null, json(Map.of("leaseToken", lt)));
        String state = done.statusCode() == 200 ? JSON.readTree(done.body()).path("state").asString() : "-";
        out.println("COMPLETE " + job + " " + attempt + " " + done.statusCode() + " " + state);
    }

    private static HttpRequest.BodyPublisher json(Object o) {
        return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(o));
    }

    private static HttpResponse<byte[]> send(String api, String token, String method, String path, Long leaseToken,
            HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (leaseToken != null) b.header("X-Lease-Token", leaseToken.toString());
        if (method.equals("POST")) b.header("Content-Type", "application/json");
        if (method.equals("PUT")) b.header("Content-Type", "text/plain");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
