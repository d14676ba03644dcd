package dev.forge3d.api.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload of {@code forge3d serve --exit-when-ready}, the training run of the JDK's AOT cache (JEP 483/514/515;
 * see the {@code forge3d} launcher): once the server is ready, the calls a client and a worker make most, so that
 * their classes are in the cache too, not only those of start-up. Works on a throw-away data directory.
 */
final class AotTraining {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern TOKEN = Pattern.compile("\"leaseToken\"\\s*:\\s*(\\d+)");

    private AotTraining() {}

    static void exercise(EmbeddedServer server) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String api = server.url();
            String key = "Bearer " + server.apiKey();
            String worker = "Bearer " + server.workerToken();
            send(http, HttpRequest.newBuilder(URI.create(api + "/actuator/health/readiness")).GET());
            for (int i = 0; i < 20; i++) {
                String job = send(http, json(api + "/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\"}"));
                Matcher id = ID.matcher(job);
                if (!id.find()) throw new IOException("no job id in " + job);
                send(http, HttpRequest.newBuilder(URI.create(api + "/v1/jobs/" + id.group(1)))
                        .header("Authorization", key).GET());
                send(http, HttpRequest.newBuilder(URI.create(api + "/v1/jobs?limit=5")).header("Authorization", key).GET());
                send(http, HttpRequest.newBuilder(URI.create(api + "/v1/jobs/" + UUID.randomUUID()))
                        .header("Authorization", key).GET());
                String lease = send(http, json(api + "/v1/worker/lease", worker,
                        "{\"workerId\":\"aot-training\",\"waitSeconds\":0}"));
                Matcher token = TOKEN.matcher(lease);
                if (!token.find()) continue;
                String base = api + "/v1/worker/jobs/" + id.group(1);
                send(http, json(base + "/heartbeat", worker,
                        "{\"leaseToken\":" + token.group(1) + ",\"stage\":\"train\",\"progress\":0.5}"));
                send(http, json(base + "/complete", worker, "{\"leaseToken\":" + token.group(1)
                        + ",\"metrics\":{},\"next\":{\"workerId\":\"aot-training\",\"waitSeconds\":0}}"));
            }
        }
    }

    private static HttpRequest.Builder json(String url, String auth, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
