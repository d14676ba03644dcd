package dev.forge3d.api.blobs;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The S3 blob store against a real S3-compatible server running in-process (S3Proxy, AWS SigV4 auth). */
class S3BlobStoreTest extends BlobStoreContract {
    static S3TestServer server;
    static S3BlobStore store;
    @TempDir
    static Path spool;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer();
        store = server.store("forge3d-test", spool);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    @Override
    BlobStore store() {
        return store;
    }
}
