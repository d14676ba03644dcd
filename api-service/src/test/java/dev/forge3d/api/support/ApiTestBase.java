package dev.forge3d.api.support;

import dev.forge3d.api.auth.TenantService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real API on a random port over a real PostgreSQL (see {@link TestDatabase}); every test class shares one
 * application context. Tests create their own tenants, and drain the queue first when they lease.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "forge3d.workers.token=" + ApiTestBase.WORKER_TOKEN,
        "forge3d.queue.sweep-interval=200ms",
        "forge3d.queue.poll-interval=200ms",
        "forge3d.events.poll-interval=200ms",
        "forge3d.metrics.refresh-interval=200ms",
        "forge3d.uploads.max-archive-expanded-bytes=4MB",
        "forge3d.uploads.max-images=400",
        "forge3d.uploads.max-sidecar-bytes=64KB",
        "spring.servlet.multipart.max-file-size=3MB",
        "spring.servlet.multipart.max-request-size=6MB",
        "spring.datasource.hikari.maximum-pool-size=30",
        // Tests and benchmarks load one tenant far beyond the production defaults; tests of the limits give their
        // own tenants low limits in tenant_limits instead.
        "forge3d.limits.requests-per-second=1000000",
        "forge3d.limits.burst=1000000",
        "forge3d.limits.max-queued-jobs=1000000",
        "forge3d.limits.max-running-jobs=1000000",
        "forge3d.limits.override-cache-ttl=1s",
        // Webhook receivers in tests listen on 127.0.0.1 (FORGE3D_WEBHOOKS_ALLOW_PRIVATE=true), and retries come
        // fast so a test sees a whole retry schedule in about a second.
        "forge3d.webhooks.allow-private=true",
        "forge3d.webhooks.poll-interval=50ms",
        "forge3d.webhooks.retry-delays=100ms,100ms,150ms,200ms,250ms,300ms",
        "forge3d.webhooks.claim-timeout=5s",
        "forge3d.webhooks.read-timeout=3s",
        "forge3d.cors.allowed-origins=" + ApiTestBase.ALLOWED_ORIGIN,
        "logging.level.dev.forge3d.api.queue.LeaseSweeper=warn"})
public abstract class ApiTestBase {
    public static final String WORKER_TOKEN = "test-worker-token-0123456789";
    /** The one origin whose pages may call the test API cross-origin (CORS). */
    public static final String ALLOWED_ORIGIN = "http://shop.example.test";
    private static Path dataDir;

    @LocalServerPort
    protected int port;
    @Autowired
    protected TenantService tenants;
    @Autowired
    protected JdbcClient jdbc;

    protected ApiClient api;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        r.add("spring.datasource.url", db::url);
        r.add("spring.datasource.username", db::username);
        r.add("spring.datasource.password", db::password);
        synchronized (ApiTestBase.class) {
            if (dataDir == null) dataDir = Files.createTempDirectory("forge3d-test-");
        }
        r.add("forge3d.data-dir", () -> dataDir.toString());
    }

    /** The API's data directory (blobs under {@code blobs/}, upload spools under {@code spool/}). */
    protected static Path dataDir() {
        return dataDir;
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://127.0.0.1:" + port, WORKER_TOKEN);
    }

    /** A new tenant and its key. */
    protected String newTenantKey(String name) {
        return tenants.createTenant(name + "-" + java.util.UUID.randomUUID()).apiKey();
    }

    /** Ends every unfinished job, so lease tests see only their own jobs. */
    protected void drainQueue() {
        jdbc.sql("update jobs set state = 'CANCELED', finished_at = now(), updated_at = now() "
                + "where state in ('QUEUED', 'RUNNING')").update();
    }
}
