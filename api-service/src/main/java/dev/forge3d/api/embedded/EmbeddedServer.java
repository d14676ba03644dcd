package dev.forge3d.api.embedded;

import dev.forge3d.api.Forge3dApiApplication;
import dev.forge3d.api.auth.ApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Embedded mode: a PostgreSQL server and filesystem blobs under one data directory, the API on a port, and the
 * in-process worker. The API key and worker token are kept in the data directory (readable by the owner only) so
 * they stay the same across restarts, unless FORGE3D_API_KEY / FORGE3D_WORKER_TOKEN are given.
 */
public final class EmbeddedServer implements AutoCloseable {

    /** What to start. {@code databaseUrl == null}: the embedded PostgreSQL. {@code port == 0}: any free port. */
    public record Options(Path dataDir, String host, int port, String databaseUrl, String databaseUser,
            String databasePassword, String apiKey, String workerToken, boolean worker, List<String> extraArgs) {}

    private final ConfigurableApplicationContext context;
    private final EmbeddedPostgresServer postgres;
    private final int port;
    private final String host;
    private final String apiKey;
    private final String workerToken;

    private EmbeddedServer(ConfigurableApplicationContext context, EmbeddedPostgresServer postgres, String host,
            String apiKey, String workerToken) {
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
        EmbeddedPostgresServer pg = null;
        List<String> args = new ArrayList<>();
        if (o.databaseUrl() == null || o.databaseUrl().isBlank()) {
            pg = EmbeddedPostgresServer.start(dataDir);
            args.add("--spring.datasource.url=" + pg.jdbcUrl());
            args.add("--spring.datasource.username=" + pg.username());
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
            ConfigurableApplicationContext ctx = app.run(args.toArray(String[]::new));
            return new EmbeddedServer(ctx, pg, o.host(), apiKey, workerToken);
        } catch (RuntimeException e) {
            if (pg != null) pg.close();
            throw e;
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

    /** Stops the API (and its worker), then the database. */
    @Override
    public void close() throws IOException {
        context.close();
        if (postgres != null) postgres.close();
    }
}
