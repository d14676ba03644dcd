package dev.forge3d.api.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM: a Testcontainers container when a Docker engine is reachable, otherwise an
 * embedded server (zonky). Test code is the same either way; it only sees a JDBC URL.
 */
public final class TestDatabase {
    public record Connection(String url, String username, String password, String kind) {}

    private static Connection connection;

    private TestDatabase() {}

    public static synchronized Connection get() {
        if (connection == null) connection = start();
        return connection;
    }

    private static Connection start() {
        if (dockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine")
                    .withCommand("postgres", "-c", "max_connections=300", "-c",
                            "synchronous_commit=" + System.getProperty("forge3d.test.synchronousCommit", "off"));
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return new Connection(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), "testcontainers");
        }
        try {
            // Tests may run with synchronous_commit off (zonky's default); benchmarks pass
            // -Dforge3d.test.synchronousCommit=on for durable commits.
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300")
                    .setServerConfig("synchronous_commit", System.getProperty("forge3d.test.synchronousCommit", "off"))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new Connection(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        if ("false".equals(System.getProperty("forge3d.test.docker"))) return false;
        // Skip Testcontainers' probe (and its error log) when there is plainly no engine to find.
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                && !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
