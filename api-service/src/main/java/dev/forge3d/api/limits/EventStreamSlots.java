package dev.forge3d.api.limits;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Open event streams per tenant, counted on this replica only (a stream lives on one replica; N replicas allow up
 * to N times the limit). {@link #acquire} refuses with 429 {@code quota-exceeded} at the limit; the returned release
 * must run when the stream ends, and may run more than once.
 */
@Component
public class EventStreamSlots {
    static final long RETRY_AFTER_SECONDS = 10;

    private final Map<UUID, Integer> open = new ConcurrentHashMap<>();
    private final TenantLimitsLookup limits;
    private final LimitProperties props;

    public EventStreamSlots(TenantLimitsLookup limits, LimitProperties props) {
        this.limits = limits;
        this.props = props;
    }

    public Runnable acquire(UUID tenant) {
        if (!props.enabled()) return () -> {};
        int max = limits.limitsOf(tenant).maxEventStreams();
        boolean[] granted = {false};
        open.compute(tenant, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            granted[0] = true;
            return now + 1;
        });
        if (!granted[0]) {
            throw new QuotaExceededException("this tenant has " + max + " event streams open on this server; the "
                    + "limit is " + max, RETRY_AFTER_SECONDS);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) open.computeIfPresent(tenant, (k, n) -> n <= 1 ? null : n - 1);
        };
    }

    /**
     * Opens a stream in one of the tenant's slots: the slot is given back when the stream completes, times out or
     * fails, or at once if opening it throws.
     */
    public SseEmitter open(UUID tenant, Supplier<SseEmitter> opener) {
        Runnable release = acquire(tenant);
        try {
            SseEmitter emitter = opener.get();
            emitter.onCompletion(release);
            emitter.onTimeout(release);
            emitter.onError(e -> release.run());
            return emitter;
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** Streams open for the tenant on this replica. */
    public int openStreams(UUID tenant) {
        return open.getOrDefault(tenant, 0);
    }
}
