package dev.forge3d.worker.client;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The HTTP plumbing both API clients share: URLs, the Bearer header, retries of transient failures (connection
 * errors and 5xx, with backoff; never 4xx), and mapping of error answers (problem+json) to typed exceptions.
 * Responses are always read as streams so large downloads never sit in memory.
 */
final class ApiHttp {

    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient http;
    private final String base;
    private final String bearer;
    private final RetryPolicy retry;
    private final boolean conflictMeansStaleLease;

    ApiHttp(HttpClient http, URI baseUri, String bearer, RetryPolicy retry, boolean conflictMeansStaleLease) {
        this.http = Objects.requireNonNull(http);
        String b = Objects.requireNonNull(baseUri, "API base URI").toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.bearer = Objects.requireNonNull(bearer, "token");
        this.retry = Objects.requireNonNull(retry);
        this.conflictMeansStaleLease = conflictMeansStaleLease;
    }

    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A request to {@code path} (already encoded, starting with '/'), with auth and a timeout. */
    HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer)
                .header("User-Agent", "forge3d-worker/0.1");
        String traceParent = JobTrace.currentTraceParent();
        if (traceParent != null) b.header("traceparent", traceParent); // the job's trace (JobTrace)
        if (timeout != null) b.timeout(timeout);
        return b;
    }

    static HttpRequest.BodyPublisher jsonBody(Object body) {
        return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    }

    /**
     * Sends with retries and returns a 2xx response (or one of {@code acceptedStatuses}) whose body stream the
     * caller must close. Any other answer becomes an {@link ApiException} subtype.
     */
    HttpResponse<InputStream> send(String what, Supplier<HttpRequest> request, int... acceptedStatuses) {
        ApiException last = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            if (attempt > 1) sleep(what, retry.backoff(attempt - 1), last);
            HttpResponse<InputStream> r;
            try {
                r = http.send(request.get(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                last = new TransientApiException(what + ": " + describe(e) + " (" + base + ")", 0, null, null, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientApiException(what + ": interrupted", 0, null, null, e);
            }
            int s = r.statusCode();
            if (s / 100 == 2 || contains(acceptedStatuses, s)) return r;
            ApiException error = toException(what, s, readErrorBody(r));
            if (!(error instanceof TransientApiException)) throw error;
            last = error;
        }
        throw last;
    }

    /** Reads a small JSON answer into {@code type}. */
    <T> T readJson(HttpResponse<InputStream> r, Class<T> type) {
        try (InputStream in = r.body()) {
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new TransientApiException("reading the API's answer: " + e.getMessage(), r.statusCode(), null, null, e);
        }
    }

    static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the body was unimportant (204/201 without content); a broken stream changes nothing
        }
    }

    private ApiException toException(String what, int status, byte[] body) {
        String type = null, detail = null;
        try {
            JsonNode p = JSON.readTree(body);
            if (p != null && p.isObject()) {
                type = text(p, "type");
                detail = text(p, "detail");
                if (detail == null) detail = text(p, "title");
            }
        } catch (RuntimeException notJson) {
            String s = new String(body, StandardCharsets.UTF_8).strip();
            if (!s.isEmpty()) detail = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
        String msg = what + ": HTTP " + status + (detail == null ? "" : " " + detail);
        if (status == 401) return new UnauthorizedException(msg, type, detail);
        // the protocol's 409 is the stale lease; another 409 type (e.g. cancel-not-requested) is a plain error
        if (status == 409 && conflictMeansStaleLease && (type == null || type.endsWith("/stale-lease"))) {
            return new StaleLeaseException(msg, type, detail);
        }
        if (status >= 500) return new TransientApiException(msg, status, type, detail, null);
        return new ApiException(msg, status, type, detail, null);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static byte[] readErrorBody(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void sleep(String what, Duration d, ApiException cause) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientApiException(what + ": interrupted while retrying", cause.status(), cause.problemType(),
                    cause.detail(), cause);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) return "cannot connect";
        if (e instanceof java.net.http.HttpConnectTimeoutException) return "connect timed out";
        if (e instanceof java.net.http.HttpTimeoutException) return "no answer in time";
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    /** Percent-encodes a relative name for a URL path, keeping its '/' separators (e.g. {@code cameras/images.txt}). */
    static String encodePath(String name) {
        StringBuilder sb = new StringBuilder();
        for (String segment : name.split("/", -1)) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(encodeSegment(segment));
        }
        return sb.toString();
    }

    static String encodeSegment(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
