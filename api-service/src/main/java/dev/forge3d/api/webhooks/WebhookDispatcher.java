package dev.forge3d.api.webhooks;

import dev.forge3d.api.jobs.JobService;
import dev.forge3d.api.scheduling.PeriodicTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends due outbox messages, on every API replica (claims use SKIP LOCKED): each claimed message is signed with
 * the tenant's key(s) and POSTed to its URL's checked addresses, on a virtual thread per message. A 2xx delivers
 * it; anything else is retried after {@code forge3d.webhooks.retry-delays} until {@code give-up-after} has passed
 * since the event, then it is failed. Every attempt is logged (webhook_attempts).
 */
@Component
public class WebhookDispatcher extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR_CHARS = 500;

    private final WebhookOutbox outbox;
    private final WebhookSecrets secrets;
    private final CallbackUrlGuard guard;
    private final JobService jobs;
    private final ObjectMapper mapper;
    private final WebhookProperties props;
    private final PinnedHttpPost http;

    @Autowired
    public WebhookDispatcher(WebhookOutbox outbox, WebhookSecrets secrets, CallbackUrlGuard guard, JobService jobs,
            ObjectMapper mapper, WebhookProperties props) throws NoSuchAlgorithmException {
        this(outbox, secrets, guard, jobs, mapper, props, new PinnedHttpPost(props.connectTimeout(),
                props.readTimeout(), SSLContext.getDefault().getSocketFactory()));
    }

    /** With another guard or HTTP client (tests: a resolver that changes its answer, a test trust store). */
    public WebhookDispatcher(WebhookOutbox outbox, WebhookSecrets secrets, CallbackUrlGuard guard, JobService jobs,
            ObjectMapper mapper, WebhookProperties props, PinnedHttpPost http) {
        super("webhook-dispatcher");
        this.outbox = outbox;
        this.secrets = secrets;
        this.guard = guard;
        this.jobs = jobs;
        this.mapper = mapper;
        this.props = props;
        this.http = http;
    }

    @Override
    protected Duration interval() {
        return props.pollInterval();
    }

    @Override
    protected void runOnce() {
        dispatchDue();
    }

    /** Claims and sends due messages until none is left; returns how many attempts were made. */
    public int dispatchDue() {
        int total = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<WebhookOutbox.Claimed> batch;
            do {
                batch = outbox.claim(props.batchSize(), props.claimTimeout());
                List<Future<?>> sent = new ArrayList<>(batch.size());
                for (WebhookOutbox.Claimed m : batch) sent.add(pool.submit(() -> attempt(m)));
                for (Future<?> f : sent) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        log.warn("webhook attempt failed unexpectedly: {}", e.toString());
                    }
                }
                total += batch.size();
            } while (batch.size() == props.batchSize());
        }
        return total;
    }

    private void attempt(WebhookOutbox.Claimed m) {
        Instant now = Instant.now();
        try {
            Optional<String> payload = payload(m);
            if (payload.isEmpty()) {
                outbox.attemptFailed(m.id(), m.attempt(), null, "the job no longer exists", null);
                return;
            }
            List<byte[]> keys = secrets.signingKeys(m.tenantId());
            if (keys.isEmpty()) {
                failed(m, null, "the tenant has no webhook secret (POST /v1/webhook-secrets)");
                return;
            }
            CallbackUrlGuard.Target target;
            try {
                target = guard.resolve(m.url()); // again at every attempt: the name may resolve elsewhere now
            } catch (CallbackUrlGuard.Refused e) {
                failed(m, null, "refused: " + e.getMessage());
                return;
            }
            long timestamp = now.getEpochSecond();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("User-Agent", "forge3d-webhooks");
            headers.put("webhook-id", m.id());
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", WebhookSigner.header(keys, m.id(), timestamp, payload.get()));
            int status = http.post(target, headers, payload.get().getBytes(StandardCharsets.UTF_8));
            if (status >= 200 && status < 300) {
                outbox.delivered(m.id(), m.attempt(), status);
                log.debug("webhook {} ({} of job {}) delivered on attempt {}", m.id(), m.eventType(), m.jobId(),
                        m.attempt());
            } else {
                failed(m, status, null);
            }
        } catch (IOException e) {
            failed(m, null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (RuntimeException e) {
            log.warn("webhook {} attempt {}: {}", m.id(), m.attempt(), e.toString());
            failed(m, null, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private void failed(WebhookOutbox.Claimed m, Integer status, String error) {
        Instant next = props.nextAttempt(m.createdAt(), Instant.now(), m.attempt());
        boolean giveUp = next == null;
        String why = error == null ? null : error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS)
                : error;
        outbox.attemptFailed(m.id(), m.attempt(), status, why, next);
        if (giveUp) {
            log.info("webhook {} ({} of job {}) failed for good after {} attempts: {}", m.id(), m.eventType(),
                    m.jobId(), m.attempt(), status != null ? "status " + status : why);
        }
    }

    /**
     * The stored payload, or for a terminal event the first attempt's rendering of the job JSON, stored so that
     * every retry signs and sends the same bytes: {@code {"type","timestamp","data"}} as the spec recommends.
     */
    private Optional<String> payload(WebhookOutbox.Claimed m) {
        if (m.payload() != null) return Optional.of(m.payload());
        return jobs.find(m.jobId()).map(job -> {
            ObjectNode envelope = mapper.createObjectNode();
            envelope.put("type", m.eventType());
            envelope.put("timestamp", m.createdAt().toString());
            envelope.set("data", mapper.valueToTree(job));
            return outbox.fixPayload(m.id(), mapper.writeValueAsString(envelope));
        });
    }
}
