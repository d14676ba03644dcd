package dev.forge3d.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Checks the shared worker token. With no token configured, a random one is made at start-up (so the worker
 * protocol is never open); embedded mode reads it through {@link #token()} to hand it to the local worker.
 */
@Component
public class WorkerTokenVerifier {
    private static final Logger log = LoggerFactory.getLogger(WorkerTokenVerifier.class);
    private final String token;

    public WorkerTokenVerifier(WorkerProperties props) {
        if (props.token() == null || props.token().isBlank()) {
            this.token = ApiKeys.generate();
            log.warn("forge3d.workers.token (FORGE3D_WORKER_TOKEN) is not set; external workers cannot connect "
                    + "until it is. A random token is used for this run.");
        } else {
            this.token = props.token().trim();
        }
    }

    public boolean matches(String presented) {
        return ApiKeys.constantTimeEquals(token, presented);
    }

    public String token() { return token; }
}
