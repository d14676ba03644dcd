package dev.forge3d.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.client.ApiClient;
import dev.forge3d.client.ApiException;
import dev.forge3d.client.ApiResponse;
import dev.forge3d.client.api.BrowserApi;
import dev.forge3d.client.api.JobsApi;
import dev.forge3d.client.api.ShareApi;
import dev.forge3d.client.model.Artifact;
import dev.forge3d.client.model.CreateJobJson;
import dev.forge3d.client.model.CreateShareRequest;
import dev.forge3d.client.model.Job;
import dev.forge3d.client.model.JobState;
import dev.forge3d.client.model.JobType;
import dev.forge3d.worker.cli.Forge3dCli;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client generated from openapi.yaml (module api-client) against the real API: artifact names with '/' through
 * {@code downloadArtifactByName} (a generated path-parameter call percent-encodes the '/', which the API refuses
 * as non-canonical), idempotent creation, share links, the served contract; and the CLI built on that client
 * submitting, following (SSE) and downloading a job that a worker finishes meanwhile.
 */
class GeneratedClientTest extends ApiTestBase {
    private static final byte[] IMAGES_TXT = "# image list\n1 0 0 0 1 0 0 0 1 view_00.png\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLY = "ply\nformat binary_little_endian 1.0\nend_header\n".getBytes(StandardCharsets.US_ASCII);

    private String key;
    private JobsApi jobs;

    @BeforeEach
    void tenant() {
        drainQueue();
        key = newTenantKey("generated-client");
        jobs = new JobsApi(client(key));
    }

    private ApiClient client(String bearer) {
        ApiClient c = new ApiClient();
        c.updateBaseUri("http://127.0.0.1:" + port);
        if (bearer != null) c.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + bearer));
        return c;
    }

    @Test
    void artifactsWithSlashesDownloadByNameThroughTheGeneratedClient() throws Exception {
        CreateJobJson body = new CreateJobJson().type(JobType.TEXT_TO_3D).prompt("a red cube");
        Job created = jobs.createJob(body, "generated-1");
        assertThat(created.getState()).isEqualTo(JobState.QUEUED);
        // the same key and body: the same job
        assertThat(jobs.createJob(body, "generated-1").getId()).isEqualTo(created.getId());
        UUID id = created.getId();
        finishWithArtifacts(id.toString());

        assertThat(jobs.getJob(id).getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jobs.listArtifacts(id).getItems()).extracting(Artifact::getName)
                .containsExactlyInAnyOrder("cameras/images.txt", "scene.ply");

        File images = jobs.downloadArtifactByName(id, "cameras/images.txt", null);
        assertThat(Files.readAllBytes(images.toPath())).isEqualTo(IMAGES_TXT);
        ApiResponse<File> range = jobs.downloadArtifactByNameWithHttpInfo(id, "scene.ply", "bytes=1-2");
        assertThat(range.getStatusCode()).isEqualTo(206);
        assertThat(Files.readString(range.getData().toPath())).isEqualTo("ly");
        // a name without '/' also works as a path parameter ...
        assertThat(Files.readAllBytes(jobs.downloadArtifact(id, "scene.ply", null).toPath())).isEqualTo(PLY);
        // ... but the generated path call sends cameras%2Fimages.txt, refused before routing: hence the query route
        assertThatThrownBy(() -> jobs.downloadArtifact(id, "cameras/images.txt", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).startsWith("{\"type\":\"https://forge3d.dev/problems/");
                });
        assertThatThrownBy(() -> jobs.downloadArtifactByName(id, "cameras/missing.txt", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThatThrownBy(() -> jobs.downloadArtifactByName(id, "../scene.ply", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("https://forge3d.dev/problems/invalid-parameter");
                });
        // another tenant's key finds nothing there
        JobsApi other = new JobsApi(client(newTenantKey("other")));
        assertThatThrownBy(() -> other.downloadArtifactByName(id, "cameras/images.txt", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));

        // a share link's generated call, without a key
        String token = new BrowserApi(client(key)).createShare(id, new CreateShareRequest().expiresIn(3600)).getToken();
        ShareApi share = new ShareApi(client(null));
        assertThat(Files.readAllBytes(share.sharedArtifactByName(token, "cameras/images.txt", null).toPath()))
                .isEqualTo(IMAGES_TXT);
    }

    @Test
    void theServedContractIsTheRepositorysOpenApiYaml() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.exists(repo.resolve("openapi.yaml"))) repo = repo.getParent();
        assertThat(Files.readString(jobs.getOpenApi().toPath())).isEqualTo(Files.readString(repo.resolve("openapi.yaml")));
        assertThatThrownBy(() -> new JobsApi(client(null)).getOpenApi())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }

    @Test
    void theCliSubmitsFollowsAndDownloadsOnTheGeneratedClient(@TempDir Path tmp) throws Exception {
        // A worker that takes the job once it is queued and finishes it a little later, while the CLI follows it.
        CompletableFuture<String> worker = CompletableFuture.supplyAsync(() -> {
            var lease = api.lease("cli-worker", 20, 30).json();
            String job = lease.path("jobId").asString();
            long token = lease.path("leaseToken").asLong();
            api.heartbeat(job, token, "train", 0.5);
            sleep(300);
            publish(job, token);
            return job;
        });
        Path out = tmp.resolve("result");
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        CommandLine cli = Forge3dCli.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        int code = cli.execute("submit", "--api", "http://127.0.0.1:" + port, "--key", key,
                "--prompt", "a red cube", "-o", "seed=7", "--out", out.toString());

        assertThat(code).as(stderr.toString()).isZero();
        String id = worker.get(30, TimeUnit.SECONDS);
        assertThat(stdout.toString().strip()).isEqualTo(id);
        assertThat(Files.readAllBytes(out.resolve("cameras/images.txt"))).isEqualTo(IMAGES_TXT);
        assertThat(Files.readAllBytes(out.resolve("scene.ply"))).isEqualTo(PLY);
        // the key the CLI made up and printed is the job's: repeating the submit with it returns the same job
        String printed = stderr.toString().replaceAll("(?s).*--idempotency-key ([0-9a-f-]{36}).*", "$1");
        Job again = jobs.createJob(new CreateJobJson().type(JobType.TEXT_TO_3D).prompt("a red cube").seed(7)
                .iterations(null).attempts(null).backend(null), printed);
        assertThat(again.getId()).hasToString(id);
        assertThat(jdbc.sql("select params::text from jobs where id = :id::uuid").param("id", id).query(String.class)
                .single()).isEqualTo("{\"seed\": 7, \"prompt\": \"a red cube\"}"); // no defaults filled in
    }

    private void finishWithArtifacts(String job) {
        var lease = api.lease("client-worker", 2, 30).json();
        assertThat(lease.path("jobId").asString()).isEqualTo(job);
        publish(job, lease.path("leaseToken").asLong());
    }

    private void publish(String job, long token) {
        for (var a : List.of(new Object[] {"cameras/images.txt", "text/plain", IMAGES_TXT},
                new Object[] {"scene.ply", "application/octet-stream", PLY})) {
            assertThat(api.putArtifact(job, token, (String) a[0], (String) a[1], (byte[]) a[2]).status()).isEqualTo(201);
        }
        assertThat(api.complete(job, token).status()).isEqualTo(200);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
