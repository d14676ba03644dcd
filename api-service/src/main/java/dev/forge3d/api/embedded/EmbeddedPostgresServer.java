package dev.forge3d.api.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) whose data directory persists under the forge3d
 * data dir, so jobs survive restarts. initdb runs only when the directory is new.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private final EmbeddedPostgres pg;

    private EmbeddedPostgresServer(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    public static EmbeddedPostgresServer start(Path dataDir) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        refuseIfInUse(pgData);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
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

    public String username() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
