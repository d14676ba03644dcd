package dev.forge3d.launcher;

import dev.forge3d.api.embedded.LocalDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) whose data directory persists under the forge3d
 * data dir, so jobs survive restarts. initdb runs only when the directory is new. The {@link LocalDatabase} of the
 * one-command mode: only this module carries zonky's binaries, never the API jar.
 */
public final class EmbeddedPostgresServer implements LocalDatabase {

    /** Registered in META-INF/services for {@code forge3d serve} without {@code --database-url}. */
    public static final class Provider implements LocalDatabase.Provider {
        @Override
        public void checkDataDir(Path dataDir) throws IOException {
            EmbeddedPostgresServer.checkDataDir(dataDir);
        }

        @Override
        public LocalDatabase start(Path dataDir, int port) throws IOException {
            return EmbeddedPostgresServer.start(dataDir, port);
        }

        @Override
        public String jdbcUrl(int port) {
            return EmbeddedPostgresServer.jdbcUrl(port);
        }

        @Override
        public String username() {
            return "postgres";
        }
    }
    private final EmbeddedPostgres pg;

    private EmbeddedPostgresServer(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    public static EmbeddedPostgresServer start(Path dataDir) throws IOException {
        checkDataDir(dataDir);
        return start(dataDir, 0);
    }

    /**
     * Creates {@code <dataDir>/postgres} and refuses at once if a PostgreSQL still runs on it. {@link #start(Path,
     * int)} does not repeat this check, so that a caller can do it synchronously and start the server elsewhere.
     */
    public static void checkDataDir(Path dataDir) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        refuseIfInUse(pgData);
    }

    /** Starts the server on {@code port} (0: a free one), after {@link #checkDataDir(Path)}. */
    public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (port > 0) builder.setPort(port);
        EmbeddedPostgres pg = builder
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                // zonky defaults to synchronous_commit=off (made for tests); a server keeps commits durable.
                .setServerConfig("synchronous_commit", "on")
                .start();
        return new EmbeddedPostgresServer(pg);
    }

    /**
     * A PostgreSQL still running on this data directory (another serve, or one left behind by a killed serve)
     * would make the start wait a minute and fail; say so at once instead.
     */
    private static void refuseIfInUse(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return;
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("the database in " + pgData + " is in use by PostgreSQL process " + pid
                    + " (another forge3d serve on this --data-dir?). Stop it (kill " + pid
                    + ") or choose another --data-dir.");
        }
    }

    public String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    /** The URL {@link #jdbcUrl()} will have for a server on {@code port} (known before the server runs). */
    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
    }

    public String username() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
