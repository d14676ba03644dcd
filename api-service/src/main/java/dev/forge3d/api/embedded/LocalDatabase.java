package dev.forge3d.api.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A PostgreSQL server that {@code forge3d serve} starts itself under its data directory when no
 * {@code --database-url} is given. The API jar has none (production talks to a real PostgreSQL); the one-command
 * jar ({@code launcher/}, {@code forge3d-serve-exec.jar}) provides one through {@link ServiceLoader}.
 */
public interface LocalDatabase extends AutoCloseable {

    /** Stops the server; its data stays in the data directory. */
    @Override
    void close() throws IOException;

    /** Starts local databases; registered in {@code META-INF/services}. */
    interface Provider {
        /** Refuses at once (before anything starts) a data directory whose database is still in use. */
        void checkDataDir(Path dataDir) throws IOException;

        /** Starts the server on {@code port} (0: a free one) after {@link #checkDataDir}; may take seconds. */
        LocalDatabase start(Path dataDir, int port) throws IOException;

        /** The JDBC URL a server started on {@code port} will have (known before it runs). */
        String jdbcUrl(int port);

        String username();
    }

    /** The provider on the class path, if this jar has one. */
    static Optional<Provider> provider() {
        return ServiceLoader.load(Provider.class).findFirst();
    }
}
