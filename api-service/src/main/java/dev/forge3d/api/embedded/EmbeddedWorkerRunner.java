package dev.forge3d.api.embedded;

import dev.forge3d.api.auth.WorkerTokenVerifier;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts every {@link EmbeddedWorker} bean once the web server is up (so the worker can reach the API at
 * {@code http://127.0.0.1:<port>}) when {@code forge3d.embedded-worker.enabled=true}; stops them first on shutdown.
 */
@Component
public class EmbeddedWorkerRunner implements ApplicationListener<WebServerInitializedEvent>, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorkerRunner.class);
    private final ObjectProvider<EmbeddedWorker> workers;
    private final WorkerTokenVerifier tokens;
    private final boolean enabled;
    private volatile List<EmbeddedWorker> started = List.of();
    private volatile boolean running;

    public EmbeddedWorkerRunner(ObjectProvider<EmbeddedWorker> workers, WorkerTokenVerifier tokens,
            @Value("${forge3d.embedded-worker.enabled:false}") boolean enabled) {
        this.workers = workers;
        this.tokens = tokens;
        this.enabled = enabled;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (!enabled || !started.isEmpty()) return;
        List<EmbeddedWorker> all = workers.orderedStream().toList();
        if (all.isEmpty()) {
            log.warn("forge3d.embedded-worker.enabled is true but no EmbeddedWorker bean exists; "
                    + "start one with: forge3d worker --api URL --token T");
            return;
        }
        URI api = URI.create("http://127.0.0.1:" + event.getWebServer().getPort());
        for (EmbeddedWorker w : all) {
            w.start(api, tokens.token());
            log.info("embedded worker {} started against {}", w.getClass().getSimpleName(), api);
        }
        started = all;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        for (EmbeddedWorker w : started) {
            try {
                w.stop();
            } catch (RuntimeException e) {
                log.warn("embedded worker did not stop cleanly: {}", e.toString());
            }
        }
        started = List.of();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop workers before the web server and the database go away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
