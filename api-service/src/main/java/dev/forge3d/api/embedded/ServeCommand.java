package dev.forge3d.api.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forge3d serve}: the API with an embedded PostgreSQL, filesystem blobs and a local worker; or, with
 * {@code --database-url} (or SPRING_DATASOURCE_URL), the API against an external PostgreSQL (production, docker).
 * Arguments of the form {@code --spring.x=y} / {@code --forge3d.x=y} are passed to Spring as properties.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the forge3d API (embedded PostgreSQL + file blob store + a local worker by default).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:PORT:-8080}", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "${env:FORGE3D_HOST:-127.0.0.1}",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    String host;

    @Option(names = "--data-dir", defaultValue = "${env:FORGE3D_DATA_DIR:-${sys:user.home}/.forge3d}",
            description = "Database, blobs and keys live here (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database-url", defaultValue = "${env:SPRING_DATASOURCE_URL}",
            description = "JDBC URL of an external PostgreSQL instead of the embedded one.")
    String databaseUrl;

    @Option(names = "--no-worker", description = "Do not start the in-process worker.")
    boolean noWorker;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, make a few API calls, stop: the training run of the JVM's AOT cache.")
    boolean exitWhenReady;

    @CommandLine.Unmatched
    List<String> springArgs = new ArrayList<>();

    public static int run(String[] args) {
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("forge3d serve: " + reason(e));
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("forge3d serve: " + e.getMessage() + " (see --help)");
            return 1;
        });
        return cl.execute(args);
    }

    /** The most telling message in a start-up failure's cause chain (a busy port says so, not "bean failed"). */
    static String reason(Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getSimpleName().equals("PortInUseException")) {
                return t.getMessage() + " (choose another with --port)";
            }
            root = t;
        }
        String top = e.getMessage() == null ? e.toString() : e.getMessage();
        return root == e || root.getMessage() == null ? top : top + ": " + root.getMessage();
    }

    @Override
    public Integer call() throws Exception {
        for (String a : springArgs) {
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("forge3d serve: unknown argument '" + a + "' (see --help)");
                return 1;
            }
        }
        long t0 = System.nanoTime();
        EmbeddedServer server = EmbeddedServer.start(new EmbeddedServer.Options(dataDir, host, port, databaseUrl,
                System.getenv("SPRING_DATASOURCE_USERNAME"), System.getenv("SPRING_DATASOURCE_PASSWORD"),
                System.getenv("FORGE3D_API_KEY"), System.getenv("FORGE3D_WORKER_TOKEN"), !noWorker, springArgs));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exitWhenReady) {
            try (server) {
                AotTraining.exercise(server);
            }
            System.out.printf("forge3d: ready in %.1f s; training calls done, stopped%n", seconds);
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("forge3d serve: shutdown: " + e.getMessage());
            }
            stopped.countDown();
        }, "forge3d-shutdown"));
        System.out.printf("""

                forge3d is ready (%.1f s)
                  API       %s
                  API key   %s
                  try       curl -H 'Authorization: Bearer %s' %s/v1/jobs
                  worker    %s
                  data      %s

                """, seconds, server.url(), server.apiKey(), server.apiKey(), server.url(),
                noWorker ? "none in-process; run: ./forge3d worker --api " + server.url() + " --token "
                        + server.workerToken()
                        : "in-process; more with: ./forge3d worker --api " + server.url() + " --token "
                        + server.workerToken(),
                dataDir.toAbsolutePath().normalize());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
