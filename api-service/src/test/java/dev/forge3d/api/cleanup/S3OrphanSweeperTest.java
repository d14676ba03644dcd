package dev.forge3d.api.cleanup;

import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.blobs.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The sweeper over an S3-compatible server (S3Proxy in-process) and the test database. */
class S3OrphanSweeperTest extends OrphanSweeperContract {
    static S3TestServer server;
    static BlobStore store;
    @TempDir
    static Path dir;
    OrphanSweeper sweeper;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer();
        store = server.store("forge3d-sweeper", dir.resolve("spool"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    @BeforeEach
    void sweeperOverS3() {
        sweeper = new OrphanSweeper(store, jdbc, new JobDeletion(jdbc, store, new RetentionProperties(0)),
                new CleanupProperties(Duration.ofMinutes(15), Duration.ofHours(6)), dir);
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    OrphanSweeper sweeper() {
        return sweeper;
    }
}
