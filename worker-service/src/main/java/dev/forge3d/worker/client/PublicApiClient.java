package dev.forge3d.worker.client;

import dev.forge3d.client.ApiClient;
import dev.forge3d.client.api.JobsApi;
import dev.forge3d.client.model.Artifact;
import dev.forge3d.client.model.CreateJobJson;
import dev.forge3d.client.model.Job;
import dev.forge3d.client.model.JobState;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The public job API as {@code forge3d submit / wait / download} use it, on the client generated from
 * openapi.yaml (module api-client, {@link JobsApi}): create a job, read it, follow it over server-sent events, list
 * and download its artifacts. Adds what the generated code leaves to its user: the API key on every request,
 * retries of transient failures (connection errors, 5xx; creates only with an Idempotency-Key), one readable line
 * per error, and the two calls the generator cannot express (a streamed multipart upload, an event stream).
 */
public final class PublicApiClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(2);

    private final ApiClient calls;
    private final JobsApi jobs;
    private final JobsApi transfers;
    private final RetryPolicy retry;

    public PublicApiClient(URI apiBaseUri, String apiKey) {
        this(apiBaseUri, apiKey, RetryPolicy.DEFAULT);
    }

    public PublicApiClient(URI apiBaseUri, String apiKey, RetryPolicy retry) {
        this.retry = retry;
        this.calls = generatedClient(apiBaseUri, apiKey, CALL_TIMEOUT);
        this.jobs = new JobsApi(calls);
        this.transfers = new JobsApi(generatedClient(apiBaseUri, apiKey, TRANSFER_TIMEOUT));
    }

    private static ApiClient generatedClient(URI base, String apiKey, Duration timeout) {
        String b = base.toString();
        ApiClient c = new ApiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL), ApiClient.createDefaultObjectMapper(),
                b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        c.setReadTimeout(timeout);
        c.setRequestInterceptor(r -> r.header("Authorization", "Bearer " + apiKey)
                .header("User-Agent", "forge3d-cli/0.1"));
        return c;
    }

    /** {@code POST /v1/jobs} as JSON (the generated {@code createJob}); the body from {@link #promptJob}. */
    public Job createPromptJob(CreateJobJson body, String idempotencyKey) {
        return call("create job", idempotencyKey != null, () -> jobs.createJob(body, idempotencyKey));
    }

    /** The JSON body of a job without uploads, checked against the contract (see {@link #promptJobBody}). */
    public CreateJobJson promptJob(String type, String prompt, Map<String, String> options) {
        return promptJobBody(calls.getObjectMapper(), type, prompt, options);
    }

    /**
     * {@code POST /v1/jobs} as multipart: the photos as repeated {@code images} parts, or one {@code archive} part
     * (a zip), and the options as form fields. Written by hand (streamed from disk, UTF-8 fields), since a generated
     * call takes one body type per operation and the contract lists JSON first; sent and answered through the
     * generated client's HTTP client, base URI, key and model.
     */
    public Job createPhotoJob(String type, List<Path> images, Path archive, Map<String, String> options,
                              String idempotencyKey) {
        MultipartBody body = new MultipartBody().field("type", type);
        options.forEach(body::field);
        for (Path p : images) body.file("images", p, imageType(p));
        if (archive != null) body.file("archive", archive, "application/zip");
        return call("create job", idempotencyKey != null, () -> {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(calls.getBaseUri() + "/v1/jobs"))
                    .header("Content-Type", body.contentType())
                    .header("Accept", "application/json, application/problem+json")
                    .timeout(TRANSFER_TIMEOUT)
                    .POST(body.publisher());
            if (idempotencyKey != null) r.header("Idempotency-Key", idempotencyKey);
            calls.getRequestInterceptor().accept(r);
            try (InputStream answer = send(r.build()).body()) {
                return calls.getObjectMapper().readValue(answer, Job.class);
            }
        });
    }

    /** {@code GET /v1/jobs/{id}}. */
    public Job job(UUID id) {
        return call("get job " + id, true, () -> jobs.getJob(id));
    }

    /** {@code GET /v1/jobs/{id}/artifacts}. */
    public List<Artifact> artifacts(UUID id) {
        return call("list artifacts of " + id, true, () -> jobs.listArtifacts(id).getItems());
    }

    /**
     * Artifact {@code name} of job {@code id} (the generated {@code downloadArtifactByName}: the name travels in
     * the query, so names with '/' work) into {@code target}, with its size and SHA-256.
     */
    public Sha256.Written downloadArtifact(UUID id, String name, Path target) {
        File downloaded = call("download " + name, true, () -> transfers.downloadArtifactByName(id, name, null));
        try (InputStream in = Files.newInputStream(downloaded.toPath())) {
            return Sha256.copyToFile(in, target);
        } catch (IOException e) {
            throw new TransientApiException("download " + name + ": " + e.getMessage(), 0, null, null, e);
        } finally {
            // the generator writes downloads into a temporary folder of their own
            try {
                Files.deleteIfExists(downloaded.toPath());
                Path dir = downloaded.toPath().getParent();
                if (dir != null && dir.getFileName().toString().startsWith("swagger-gen-native")) Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary file left behind is removed by the JVM at exit (deleteOnExit)
            }
        }
    }

    /**
     * Follows {@code GET /v1/jobs/{id}/events} until the job is SUCCEEDED, FAILED or CANCELED and returns it;
     * each state on the way goes to {@code onJob}. A stream that ends early (server timeout, dropped connection,
     * 5xx) is opened again after {@code reconnectDelay} (the server sends the current state first); a job not
     * finished within {@code timeout} (null: no limit) is an {@link IllegalStateException}.
     */
    public Job follow(UUID id, Consumer<Job> onJob, Duration reconnectDelay, Duration timeout) {
        return new JobEventStream(this, id, onJob, reconnectDelay, timeout).run();
    }

    /** SUCCEEDED, FAILED or CANCELED: the job will not change any more. */
    public static boolean terminal(Job job) {
        JobState s = job.getState();
        return s == JobState.SUCCEEDED || s == JobState.FAILED || s == JobState.CANCELED;
    }

    /** The request that opens a job's event stream (auth from the generated client's interceptor). */
    HttpRequest eventsRequest(UUID id) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(calls.getBaseUri() + "/v1/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").GET();
        calls.getRequestInterceptor().accept(r);
        return r.timeout(CALL_TIMEOUT).build(); // until the answer's headers; the stream itself has no limit
    }

    HttpClient httpClient() {
        return calls.getHttpClient();
    }

    ObjectMapper mapper() {
        return calls.getObjectMapper();
    }

    /** Sends a hand-built request; a non-2xx answer becomes the generated client's exception, as its calls do. */
    private HttpResponse<InputStream> send(HttpRequest request) throws dev.forge3d.client.ApiException {
        try {
            HttpResponse<InputStream> r = calls.getHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 != 2) {
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
                }
                throw new dev.forge3d.client.ApiException(r.statusCode(), r.headers(), body);
            }
            return r;
        } catch (IOException e) {
            throw new dev.forge3d.client.ApiException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.forge3d.client.ApiException(e);
        }
    }

    /** A call of the generated client. */
    interface Call<T> {
        T run() throws dev.forge3d.client.ApiException, IOException, JacksonException;
    }

    /**
     * Runs {@code c}, retrying connection errors and 5xx answers with backoff when {@code retryable}; any other
     * failure becomes one {@link ApiException} whose message reads "{@code what}: HTTP status detail".
     */
    <T> T call(String what, boolean retryable, Call<T> c) {
        ApiException last = null;
        int attempts = retryable ? retry.maxAttempts() : 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) sleep(what, retry.backoff(attempt - 1), last);
            try {
                return c.run();
            } catch (dev.forge3d.client.ApiException e) {
                ApiException mapped = map(what, e);
                if (!(mapped instanceof TransientApiException)) throw mapped;
                last = mapped;
            } catch (IOException | JacksonException e) {
                last = new TransientApiException(what + ": reading the API's answer: " + e.getMessage(), 0, null, null, e);
            }
        }
        throw last;
    }

    /** The generated client's exception as this package's: status, problem type and detail, retryable or not. */
    ApiException map(String what, dev.forge3d.client.ApiException e) {
        int status = e.getCode();
        if (status == 0) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                return new TransientApiException(what + ": interrupted", 0, null, null, cause);
            }
            return new TransientApiException(what + ": " + describe(cause) + " (" + calls.getBaseUri() + ")", 0,
                    null, null, cause);
        }
        String type = null, detail = null;
        String body = e.getResponseBody();
        if (body != null && !body.isBlank()) {
            try {
                JsonNode p = calls.getObjectMapper().readTree(body);
                if (p != null && p.isObject()) {
                    type = text(p, "type");
                    detail = text(p, "detail");
                    if (detail == null) detail = text(p, "title");
                }
            } catch (JacksonException notJson) {
                String s = body.strip();
                detail = s.length() > 200 ? s.substring(0, 200) + "..." : s;
            }
        }
        String msg = what + ": HTTP " + status + (detail == null ? "" : " " + detail);
        if (status == 401) return new UnauthorizedException(msg, type, detail);
        if (status >= 500) return new TransientApiException(msg, status, type, detail, e);
        return new ApiException(msg, status, type, detail, e);
    }

    /**
     * The body of a prompt job: {@code options} typed (numbers and booleans as such) and checked against the
     * contract's {@code CreateJobJson}; an option it does not have is refused here, naming those it has. Options
     * not given are left out, so the server applies its defaults (the generated model starts from the schema's).
     */
    static CreateJobJson promptJobBody(ObjectMapper mapper, String type, String prompt, Map<String, String> options) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type);
        json.put("prompt", prompt);
        options.forEach((k, v) -> json.put(k, typed(v)));
        CreateJobJson body;
        try {
            body = mapper.readerFor(CreateJobJson.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue((JsonNode) mapper.valueToTree(json));
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown option '" + e.getPropertyName() + "' for a " + type
                    + " job (options: " + String.join(", ", optionNames()) + ")");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("invalid job: " + e.getOriginalMessage());
        }
        for (Field f : modelFields()) {
            if (json.containsKey(f.getName())) continue;
            try {
                f.set(body, null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return body;
    }

    private static List<Field> modelFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : CreateJobJson.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            f.setAccessible(true);
            out.add(f);
        }
        return out;
    }

    private static TreeSet<String> optionNames() {
        TreeSet<String> names = new TreeSet<>();
        for (Field f : modelFields()) names.add(f.getName());
        names.remove("type");
        names.remove("prompt");
        return names;
    }

    /** Option values typed as JSON: numbers and booleans as such, everything else as text. */
    static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        if (v.matches("-?\\d{1,18}")) return Long.parseLong(v);
        if (v.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) return new java.math.BigDecimal(v);
        return v;
    }

    static String imageType(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) return "image/png";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        return "application/octet-stream";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    static String describe(Throwable e) {
        if (e instanceof java.net.ConnectException) return "cannot connect";
        if (e instanceof java.net.http.HttpConnectTimeoutException) return "connect timed out";
        if (e instanceof java.net.http.HttpTimeoutException) return "no answer in time";
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    static void sleep(String what, Duration d, ApiException cause) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientApiException(what + ": interrupted while retrying", cause == null ? 0 : cause.status(),
                    cause == null ? null : cause.problemType(), cause == null ? null : cause.detail(), cause);
        }
    }
}
