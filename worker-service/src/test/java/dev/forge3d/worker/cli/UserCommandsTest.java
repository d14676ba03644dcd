package dev.forge3d.worker.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.forge3d.worker.testserver.ProtocolTestServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code submit}, {@code wait}, {@code download} and {@code doctor} through the real command line (on the client
 * generated from openapi.yaml), against a small in-test HTTP double of the public job API. api-service's
 * GeneratedClientTest runs the same commands against the real API.
 */
class UserCommandsTest {

    private static final String KEY = "tenant-key";
    private static final String JOB = "0f8c0e3a-1111-4222-8333-944455556666";
    private static final byte[] PLY = "ply\nformat binary_little_endian 1.0\nend_header\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    private HttpServer server;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private volatile byte[] lastBody = new byte[0];
    private volatile String lastContentType;
    private volatile String lastIdempotencyKey;
    private volatile String finalState = "SUCCEEDED";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        String p = ex.getRequestURI().getRawPath();
        calls.add(m + " " + p);
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!("Bearer " + KEY).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "application/problem+json", "{\"type\":\"https://forge3d.dev/problems/unauthorized\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"missing or invalid API key\"}");
        } else if (m.equals("POST") && p.equals("/v1/jobs")) {
            lastBody = body;
            lastContentType = ex.getRequestHeaders().getFirst("Content-Type");
            lastIdempotencyKey = ex.getRequestHeaders().getFirst("Idempotency-Key");
            ex.getResponseHeaders().set("Location", "/v1/jobs/" + JOB);
            send(ex, 202, "application/json", "{\"id\":\"" + JOB + "\",\"state\":\"QUEUED\"}");
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB)) {
            polls.incrementAndGet();
            send(ex, 200, "application/json", jobJson(3));
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/events")) {
            // The first stream drops after one state (as a server's stream timeout would); the second runs to the end.
            int n = streams.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = n == 1 ? 1 : 2; i <= (n == 1 ? 1 : 3); i++) {
                    os.write((": keep-alive\n\nid: " + i + "\nevent: job\ndata: " + jobJson(i) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    os.flush();
                }
            }
            ex.close();
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/artifacts")) {
            send(ex, 200, "application/json", "{\"items\":[{\"name\":\"scene.ply\",\"size\":" + PLY.length
                    + ",\"mediaType\":\"application/octet-stream\",\"sha256\":\"" + sha256(PLY) + "\",\"href\":\"x\"},"
                    + "{\"name\":\"cameras/images.txt\",\"size\":2,\"mediaType\":\"text/plain\",\"sha256\":\"" + sha256("ok".getBytes()) + "\",\"href\":\"y\"}]}");
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/artifact")) {
            // generated clients name the artifact in the query ('/' percent-encoded there)
            String name = java.net.URLDecoder.decode(ex.getRequestURI().getRawQuery().replaceFirst("^name=", ""), StandardCharsets.UTF_8);
            if (name.equals("scene.ply")) send(ex, 200, "application/octet-stream", PLY);
            else if (name.equals("cameras/images.txt")) send(ex, 200, "text/plain", "ok".getBytes());
            else send(ex, 404, "application/problem+json", "{\"type\":\"https://forge3d.dev/problems/not-found\",\"status\":404,\"title\":\"Not Found\"}");
        } else {
            send(ex, 404, "application/problem+json", "{\"type\":\"https://forge3d.dev/problems/not-found\",\"status\":404,\"title\":\"Not Found\"}");
        }
    }

    /** The job as event {@code n} of 3 shows it: RUNNING twice, then {@link #finalState}. */
    private String jobJson(int n) {
        String state = n < 3 ? "RUNNING" : finalState;
        String error = state.equals("FAILED") ? ",\"error\":{\"type\":\"https://forge3d.dev/problems/job-failed\",\"title\":\"Job failed\",\"detail\":\"could not register 5 of 8 images\"}" : "";
        return "{\"id\":\"" + JOB + "\",\"type\":\"photos-to-splat\",\"state\":\"" + state + "\",\"stage\":\"train\",\"progress\":"
                + (n * 0.3) + ",\"etaSeconds\":12.5,\"attempt\":1" + error + "}";
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
        ex.close();
    }

    private record Run(int code, String out, String err) { }

    private Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Forge3dCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void submitUploadsThePhotoFolderAsMultipartAndPrintsTheJobId() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.write(photos.resolve("a.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Files.write(photos.resolve("b.PNG"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(photos.resolve("notes.txt"), "not a photo");

        Run r = run("submit", "--api", api(), "--key", KEY, "--photos", photos.toString(), "-o", "preset=preview",
                "--idempotency-key", "k-1");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(JOB);
        assertThat(lastContentType).startsWith("multipart/form-data; boundary=");
        assertThat(lastIdempotencyKey).isEqualTo("k-1");
        String body = new String(lastBody, StandardCharsets.ISO_8859_1);
        assertThat(body).contains("name=\"type\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nphotos-to-splat\r\n");
        assertThat(body).contains("name=\"preset\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\npreview\r\n");
        assertThat(body).contains("name=\"images\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u00FF\u00D8\u0001\u0002\u0003\r\n");
        assertThat(body).contains("filename=\"b.PNG\"\r\nContent-Type: image/png");
        assertThat(body).doesNotContain("notes.txt");
        String boundary = lastContentType.substring(lastContentType.indexOf('=') + 1);
        assertThat(body).endsWith("--" + boundary + "--\r\n");
    }

    @Test
    void submitSendsAFreshIdempotencyKeyByDefaultAndSaysWhichOne() {
        Run r = run("submit", "--api", api(), "--key", KEY, "--prompt", "a red cube");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(lastIdempotencyKey).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(r.err()).contains("--idempotency-key " + lastIdempotencyKey);
        assertThat(r.out().strip()).isEqualTo(JOB);
        String first = lastIdempotencyKey;
        run("submit", "--api", api(), "--key", KEY, "--prompt", "a red cube");
        assertThat(lastIdempotencyKey).isNotEqualTo(first);
    }

    @Test
    void submitRefusesAnOptionTheContractDoesNotHaveBeforeCallingTheApi() {
        Run r = run("submit", "--api", api(), "--key", KEY, "--prompt", "a red cube", "-o", "guidence=7");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("forge3d submit: unknown option 'guidence' for a text-to-3d job (options: ")
                .contains("guidance", "maxSeconds", "seed");
        assertThat(calls).isEmpty();
    }

    @Test
    void submitPromptSendsJsonWithTypedOptions() {
        Run r = run("submit", "--api", api(), "--key", KEY, "--prompt", "a red cube", "-o", "seed=7", "-o", "guidance=7.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(lastContentType).isEqualTo("application/json");
        assertThat(new String(lastBody, StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"text-to-3d\",\"prompt\":\"a red cube\",\"seed\":7,\"guidance\":7.5}");
    }

    @Test
    void submitWithOutWaitsThenDownloadsEveryArtifactVerified() throws Exception {
        Path out = tmp.resolve("result");
        Run r = run("submit", "--api", api(), "--key", KEY, "--prompt", "a red cube", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // followed over server-sent events (the dropped first stream opened again), never polled
        assertThat(streams.get()).isEqualTo(2);
        assertThat(polls.get()).isZero();
        assertThat(calls).contains("GET /v1/jobs/" + JOB + "/artifact");
        assertThat(Files.readAllBytes(out.resolve("scene.ply"))).isEqualTo(PLY);
        assertThat(Files.readString(out.resolve("cameras/images.txt"))).isEqualTo("ok");
    }

    @Test
    void waitExitsNonZeroWithTheJobsReasonWhenItFailed() {
        finalState = "FAILED";
        Run r = run("wait", JOB, "--api", api(), "--key", KEY, "--interval", "0.05");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d wait: job " + JOB + " FAILED: could not register 5 of 8 images");
    }

    @Test
    void waitGivesUpAtItsTimeoutWhileTheStreamIsSilent() throws IOException {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.removeContext("/");
        server.createContext("/", ex -> { // a stream that sends nothing until the test is over
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // the server is stopping
            }
            ex.close();
        });
        long t0 = System.nanoTime();
        Run r = run("wait", JOB, "--api", api(), "--key", KEY, "--timeout", "1");
        release.countDown();
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d wait: job " + JOB + " is still not finished after 1 s");
    }

    @Test
    void waitSucceeds() {
        Run r = run("wait", JOB, "--api", api(), "--key", KEY, "--interval", "0.05");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(JOB + " SUCCEEDED");
    }

    @Test
    void wrongKeyIsOneReadableLine() {
        Run r = run("download", JOB, "--api", api(), "--key", "wrong", "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d download: list artifacts of " + JOB + ": HTTP 401 missing or invalid API key");
    }

    @Test
    void submitFromAnEmptyFolderIsAClearError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run r = run("submit", "--api", api(), "--key", KEY, "--photos", empty.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d submit: no JPEG, PNG or HEIC photos in " + empty);
        assertThat(calls).isEmpty();
    }

    @Test
    void doctorReportsCpuVectorHeapAndCuda() {
        Run r = run("doctor");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("cpu         " + Runtime.getRuntime().availableProcessors() + " threads");
        assertThat(r.out()).containsPattern("vector api  FloatVector preferred species: \\d+ lanes \\(\\d+-bit\\)");
        assertThat(r.out()).containsPattern("max heap    \\d+\\.\\d GiB");
        assertThat(r.out()).contains("cuda        unavailable: ");
        assertThat(r.out()).contains("backend     cpu");
        // the engine and device an exported Stable Diffusion prior would use: the CPU natives of the default build
        assertThat(r.out()).containsPattern("prior dev   PyTorch \\d+\\.\\d+\\.\\d+ \\(CPU natives, .+\\), device cpu\\(\\): the PyTorch natives are the CPU build");
        assertThat(r.out()).doesNotContain("Failed to detect GPU count");
        // HEIC decoding: whether libheif's tools are here, and what to install when they are not
        if (dev.forge3d.runtime.image.heif.HeifDecoder.find(1).isPresent()) {
            assertThat(r.out()).containsPattern("heic        available \\(libheif \\d+\\.\\d+\\.\\d+, heif-(convert|dec)\\)");
        } else {
            assertThat(r.out()).contains("heic        NOT available: ", "apt-get install libheif-examples");
        }
    }

    @Test
    void workerWithoutATokenIsAClearError() {
        Run r = run("worker", "--api", "http://127.0.0.1:1");
        // FORGE3D_WORKER_TOKEN may be set in a developer's shell; only assert when it is not
        if (System.getenv("FORGE3D_WORKER_TOKEN") == null) {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("forge3d worker: a worker token is needed: --token or env FORGE3D_WORKER_TOKEN");
        }
    }

    @Test
    void workerWithABadUrlIsAClearError() {
        Run r = run("worker", "--api", "localhost:8080", "--token", "t");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d worker: API URL must be http(s)://host[:port], got 'localhost:8080'");
    }
}
