package dev.forge3d.api.embedded;

import java.net.URI;

/**
 * A worker that runs inside the API process (embedded mode, {@code forge3d serve}). It talks to the API over HTTP
 * like any other worker; this interface only lets the API start it once it is listening and stop it on shutdown.
 * Declare an implementation as a Spring bean; {@link EmbeddedWorkerRunner} starts it when
 * {@code forge3d.embedded-worker.enabled=true}.
 */
public interface EmbeddedWorker {

    /** Called once the API listens on {@code apiUrl}; must return promptly (run the worker on its own thread). */
    void start(URI apiUrl, String workerToken);

    /** Called on shutdown, before the API stops; should let a running job's lease lapse or fail it, then return. */
    void stop();
}
