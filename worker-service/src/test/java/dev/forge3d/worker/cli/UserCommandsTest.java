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
 * {@code submit}, {@code wait}, {@code download} and {@code doctor} through the real command line, against a small
 * in-test HTTP double of the public job API.
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
            int n = polls.incrementAndGet();
            String state = n < 3 ? "RUNNING" : finalState;
            String error = state.equals("FAILED") ? ",\"error\":{\"type\":\"https://forge3d.dev/problems/job-failed\",\"title\":\"Job failed\",\"detail\":\"could not register 5 of 8 images\"}" : "";
            send(ex, 200, "application/json", "{\"id\":\"" + JOB + "\",\"state\":\"" + state + "\",\"stage\":\"train\",\"progress\":"
                    + (n * 0.3) + ",\"etaSeconds\":12.5,\"attempt\":1" + error + "}");
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/artifacts")) {
            send(ex, 200, "application/json", "{\"artifacts\":[{\"name\":\"scene.ply\",\"size\":" + PLY.length
                    + ",\"mediaType\":\"application/octet-stream\",\"sha256\":\"" + sha256(PLY) + "\"},"
                    + "{\"name\":\"cameras/images.txt\",\"size\":2,\"mediaType\":\"text/plain\",\"sha256\":\"" + sha256("ok".getBytes()) + "\"}]}");
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/artifacts/scene.ply")) {
            send(ex, 200, "application/octet-stream", PLY);
        } else if (m.equals("GET") && p.equals("/v1/jobs/" + JOB + "/artifacts/cameras/images.txt")) {
            send(ex, 200, "text/plain", "ok".getBytes());
        } else {
            send(ex, 404, "application/problem+json", "{\"type\":\"https://forge3d.dev/problems/not-found\",\"status\":404,\"title\":\"Not Found\"}");
        }
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
        assertThat(polls.get()).isEqualTo(3);
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
        assertThat(r.err().strip()).isEqualTo("forge3d submit: no JPEG or PNG photos in " + empty);
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
