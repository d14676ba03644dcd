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
 * {@code forge3d serve}: the API with an embedded PostgreSQL, filesystem blobs and a local worker (the one-command
 * jar, {@code launcher/}); or, with {@code --database-url} (or SPRING_DATASOURCE_URL), the API against an external
 * PostgreSQL (production, docker, Kubernetes: the API jar alone).
 * Arguments of the form {@code --spring.x=y} / {@code --forge3d.x=y} are passed to Spring as properties.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the forge3d API: with --database-url (or SPRING_DATASOURCE_URL) against that PostgreSQL; "
                + "without, the one-command jar (./forge3d serve) starts an embedded PostgreSQL, file blobs and a "
                + "local worker.")
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

    @Option(names = "--print-key", description = "Also print the API key and the worker token (by default only "
            + "where they are kept: <data-dir>/api-key and <data-dir>/worker-token).")
    boolean printKey;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, make a few API calls, stop: the training run of the JVM's AOT cache.")
    boolean exitWhenReady;

    @CommandLine.Unmatched
    List<String> springArgs = new ArrayList<>();

    public static int run(String[] args) {
        // The images, compose and Kubernetes name the command (`serve --host 0.0.0.0 ...`), as `forge3d serve` does.
        if (args.length > 0 && args[0].equals("serve")) args = java.util.Arrays.copyOfRange(args, 1, args.length);
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
        if (!noWorker && !server.hasWorker()) noWorker = true; // the API jar: workers run as their own processes
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
        System.out.print(banner(seconds, server.url(), server.apiKey(), server.workerToken(),
                dataDir.toAbsolutePath().normalize(),
                System.getenv("FORGE3D_API_KEY") != null && !System.getenv("FORGE3D_API_KEY").isBlank(),
                System.getenv("FORGE3D_WORKER_TOKEN") != null && !System.getenv("FORGE3D_WORKER_TOKEN").isBlank()));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The ready message. Secrets stay out of the console (and so out of terminal scroll-back, CI logs and
     * journald) unless {@code --print-key}: it says where the API key and worker token are, and the commands read
     * them from there.
     */
    String banner(double seconds, String url, String apiKey, String workerToken, Path dir, boolean keyFromEnv,
            boolean tokenFromEnv) {
        String keyFile = dir.resolve("api-key").toString();
        String tokenFile = dir.resolve("worker-token").toString();
        String key;
        String bearer;
        String workerCommand;
        if (printKey) {
            key = apiKey;
            bearer = apiKey;
            workerCommand = "./forge3d worker --api " + url + " --token " + workerToken;
        } else {
            key = (keyFromEnv ? "from FORGE3D_API_KEY" : "in " + keyFile) + " (not shown; --print-key shows it)";
            bearer = keyFromEnv ? "$FORGE3D_API_KEY" : "$(cat " + keyFile + ")";
            workerCommand = (tokenFromEnv ? "" : "FORGE3D_WORKER_TOKEN=$(cat " + tokenFile + ") ")
                    + "./forge3d worker --api " + url;
        }
        return String.format("""

                forge3d is ready (%.1f s)
                  API       %s
                  API key   %s
                  try       curl -H "Authorization: Bearer %s" %s/v1/jobs
                  worker    %s
                  data      %s

                """, seconds, url, key, bearer, url,
                (noWorker ? "none in-process; run: " : "in-process; more with: ") + workerCommand, dir);
    }
}
