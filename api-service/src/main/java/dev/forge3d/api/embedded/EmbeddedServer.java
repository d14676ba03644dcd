package dev.forge3d.api.embedded;

import dev.forge3d.api.Forge3dApiApplication;
import dev.forge3d.api.auth.ApiKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Embedded mode: a PostgreSQL server and filesystem blobs under one data directory, the API on a port, and the
 * in-process worker. The PostgreSQL server and the worker come from the one-command jar ({@code launcher/}): the
 * API jar alone runs against {@code --database-url} and has no worker. The API key and worker token are kept in the data directory (readable by the owner only) so
 * they stay the same across restarts, unless FORGE3D_API_KEY / FORGE3D_WORKER_TOKEN are given.
 */
public final class EmbeddedServer implements AutoCloseable {

    /** What to start. {@code databaseUrl == null}: the embedded PostgreSQL. {@code port == 0}: any free port. */
    public record Options(Path dataDir, String host, int port, String databaseUrl, String databaseUser,
            String databasePassword, String apiKey, String workerToken, boolean worker, List<String> extraArgs) {}

    private final ConfigurableApplicationContext context;
    private final CompletableFuture<LocalDatabase> postgres;
    private final int port;
    private final String host;
    private final String apiKey;
    private final String workerToken;

    private EmbeddedServer(ConfigurableApplicationContext context,
            CompletableFuture<LocalDatabase> postgres, String host, String apiKey, String workerToken) {
        this.context = context;
        this.postgres = postgres;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.host = host;
        this.apiKey = apiKey;
        this.workerToken = workerToken;
    }

    public static EmbeddedServer start(Options o) throws IOException {
        Path dataDir = Files.createDirectories(o.dataDir().toAbsolutePath().normalize());
        String apiKey = o.apiKey() != null && !o.apiKey().isBlank() ? o.apiKey().trim()
                : secretFile(dataDir.resolve("api-key"));
        String workerToken = o.workerToken() != null && !o.workerToken().isBlank() ? o.workerToken().trim()
                : secretFile(dataDir.resolve("worker-token"));
        CompletableFuture<LocalDatabase> pg = null;
        List<String> args = new ArrayList<>();
        if (o.databaseUrl() == null || o.databaseUrl().isBlank()) {
            // PostgreSQL (initdb on a new data dir, then the server) starts on its own thread while Spring builds
            // the context, which is CPU work in this JVM while PostgreSQL mostly waits on fsync; the DataSource
            // bean waits for it (see below), and nothing touches the database before that bean exists.
            LocalDatabase.Provider local = LocalDatabase.provider().orElseThrow(() -> new IllegalStateException(
                    "this is the API jar, which has no embedded PostgreSQL: give --database-url (or "
                    + "SPRING_DATASOURCE_URL), or run the one-command mode (./forge3d serve, forge3d-serve-exec.jar)"));
            local.checkDataDir(dataDir);
            int pgPort = freePort();
            pg = startInBackground(local, dataDir, pgPort);
            args.add("--spring.datasource.url=" + local.jdbcUrl(pgPort));
            args.add("--spring.datasource.username=" + local.username());
            args.add("--spring.datasource.password=");
        } else {
            args.add("--spring.datasource.url=" + o.databaseUrl());
            if (o.databaseUser() != null) args.add("--spring.datasource.username=" + o.databaseUser());
            if (o.databasePassword() != null) args.add("--spring.datasource.password=" + o.databasePassword());
        }
        args.add("--server.port=" + o.port());
        args.add("--server.address=" + o.host());
        args.add("--forge3d.data-dir=" + dataDir);
        args.add("--forge3d.auth.bootstrap-api-key=" + apiKey);
        args.add("--forge3d.workers.token=" + workerToken);
        args.add("--forge3d.embedded-worker.enabled=" + o.worker());
        args.addAll(o.extraArgs());
        try {
            SpringApplication app = new SpringApplication(Forge3dApiApplication.class);
            app.setRegisterShutdownHook(false);
            if (pg != null) {
                CompletableFuture<LocalDatabase> database = pg;
                app.addInitializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                    @Override
                    public Object postProcessBeforeInitialization(Object bean, String name) {
                        if (bean instanceof DataSource) awaitDatabase(database);
                        return bean;
                    }
                }));
            }
            ConfigurableApplicationContext ctx = app.run(args.toArray(String[]::new));
            if (pg != null) awaitDatabase(pg);
            return new EmbeddedServer(ctx, pg, o.host(), apiKey, workerToken);
        } catch (RuntimeException e) {
            if (pg != null) {
                try {
                    awaitDatabase(pg).close();
                } catch (RuntimeException | IOException ignored) {
                    // it did not start (the cause is e's), or stopping it failed: e is what the caller needs
                }
            }
            throw e;
        }
    }

    private static CompletableFuture<LocalDatabase> startInBackground(LocalDatabase.Provider local, Path dataDir,
            int port) {
        CompletableFuture<LocalDatabase> f = new CompletableFuture<>();
        Thread.ofPlatform().name("forge3d-postgres-start").daemon().start(() -> {
            try {
                f.complete(local.start(dataDir, port));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static LocalDatabase awaitDatabase(CompletableFuture<LocalDatabase> pg) {
        try {
            return pg.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start", e.getCause());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Reads a secret kept in the data directory, creating it (owner-only) on first use. */
    private static String secretFile(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String s = Files.readString(file).trim();
            if (!s.isEmpty()) return s;
        }
        String secret = ApiKeys.generate();
        Files.writeString(file, secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX filesystem: the file keeps the directory's permissions
        }
        return secret;
    }

    public int port() { return port; }

    public String url() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    public String apiKey() { return apiKey; }

    public String workerToken() { return workerToken; }

    public ConfigurableApplicationContext context() { return context; }

    /** Whether an in-process worker runs (the one-command jar has one; the API jar does not). */
    public boolean hasWorker() {
        return context.getBeanProvider(EmbeddedWorker.class).stream().findAny().isPresent();
    }

    /** Stops the API (and its worker), then the database. */
    @Override
    public void close() throws IOException {
        context.close();
        if (postgres != null) awaitDatabase(postgres).close();
    }
}
