package dev.forge3d.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.launcher.EmbeddedPostgresServer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `forge3d serve` refuses bad command lines with one readable line and exit code 1, before starting anything. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void unknownArgumentIsOneLineAndExitCodeOne() {
        assertThat(ServeCommand.run(new String[] {"--data-dir", dir.toString(), "bogus"})).isEqualTo(1);
        assertThat(ServeCommand.run(new String[] {"--port", "eighty"})).isEqualTo(1);
    }

    @Test
    void theCommandNameMayLeadAsTheImagesPassIt() {
        // docker/api.Dockerfile's CMD, compose and the Kubernetes Deployment start the API jar with `serve ...`.
        assertThat(ServeCommand.run(new String[] {"serve", "--help"})).isZero();
        assertThat(ServeCommand.run(new String[] {"serve", "--port", "eighty"})).isEqualTo(1);
        assertThat(ServeCommand.run(new String[] {"--port", "8080", "serve"})).isEqualTo(1);
    }

    @Test
    void aRunningDatabaseOnTheDataDirIsReportedAtOnce() throws Exception {
        Path pg = Files.createDirectories(dir.resolve("postgres"));
        // This JVM's own pid stands in for a PostgreSQL that is still running on the directory.
        Files.writeString(pg.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + pg + "\n");
        long t0 = System.nanoTime();
        try {
            EmbeddedPostgresServer.start(dir).close();
            throw new AssertionError("expected a refusal");
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).contains("in use by PostgreSQL process " + ProcessHandle.current().pid());
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
    }

    @Test
    void startupFailureNamesTheBusyPort() {
        var busy = new RuntimeException("Failed to start bean 'webServerStartStop'",
                new org.springframework.boot.web.server.PortInUseException(8080));
        assertThat(ServeCommand.reason(busy)).startsWith("Port 8080 is already in use").contains("--port");
        assertThat(ServeCommand.reason(new IllegalStateException("boom", new java.io.IOException("disk full"))))
                .isEqualTo("boom: disk full");
    }

    @Test
    void theReadyMessageNamesTheKeyFilesButShowsNoSecretUnlessAsked() {
        String key = "f3d_secret-api-key-0123456789abcdef";
        String token = "worker-token-secret-0123456789";
        Path data = Path.of("/home/u/.forge3d");
        ServeCommand cmd = new ServeCommand();

        String quiet = cmd.banner(4.2, "http://127.0.0.1:8080", key, token, data, false, false);
        assertThat(quiet).doesNotContain(key).doesNotContain(token)
                .contains("API key   in /home/u/.forge3d/api-key (not shown; --print-key shows it)")
                .contains("curl -H \"Authorization: Bearer $(cat /home/u/.forge3d/api-key)\" http://127.0.0.1:8080/v1/jobs")
                .contains("FORGE3D_WORKER_TOKEN=$(cat /home/u/.forge3d/worker-token) ./forge3d worker --api "
                        + "http://127.0.0.1:8080");

        String fromEnv = cmd.banner(4.2, "http://127.0.0.1:8080", key, token, data, true, true);
        assertThat(fromEnv).doesNotContain(key).doesNotContain(token).contains("from FORGE3D_API_KEY")
                .contains("Bearer $FORGE3D_API_KEY").doesNotContain("worker-token)");

        new picocli.CommandLine(cmd).parseArgs("--print-key");
        assertThat(cmd.printKey).isTrue();
        String shown = cmd.banner(4.2, "http://127.0.0.1:8080", key, token, data, false, false);
        assertThat(shown).contains("API key   " + key).contains("--token " + token);
    }
}
