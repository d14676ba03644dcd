package dev.forge3d.api.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Long polls that their worker has ended ({@code POST /v1/worker/lease/cancel}, a worker shutting down): a cancelled
 * poll answers 204 at its next look instead of leasing a job that no one would receive. The cancel reaches the
 * replica where the poll waits through NOTIFY on {@link JobQueue#CHANNEL} ({@link QueueListener}). It is only a
 * way to end the poll early: a poll that claims a job before the cancel arrives still answers with the lease, and
 * the worker, which reads every poll's answer, hands that lease back.
 */
@Component
public class PollCancellations {
    static final String PAYLOAD_PREFIX = "cancel-poll:";
    private static final int MAX_REMEMBERED = 100_000;

    private final Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final QueueSignal signal;
    private final long rememberNanos;

    public PollCancellations(JdbcClient jdbc, QueueSignal signal, QueueProperties props) {
        this.jdbc = jdbc;
        this.signal = signal;
        // A poll waits at most maxWaitSeconds; a cancel that arrives before its poll is kept a while longer.
        this.rememberNanos = Duration.ofSeconds(props.maxWaitSeconds() + 60L).toNanos();
    }

    /** Cancels {@code pollId} here and, through NOTIFY, on every other replica. */
    public void cancel(String pollId) {
        record(pollId);
        jdbc.sql("select pg_notify('" + JobQueue.CHANNEL + "', :payload)")
                .param("payload", PAYLOAD_PREFIX + pollId).query(String.class).optional();
    }

    /** A cancel seen on the channel (from this replica or another). */
    void record(String pollId) {
        long now = System.nanoTime();
        if (cancelledAt.size() >= MAX_REMEMBERED / 2) cancelledAt.values().removeIf(t -> now - t > rememberNanos);
        if (cancelledAt.size() < MAX_REMEMBERED) cancelledAt.put(pollId, now);
        signal.signalAll();
    }

    /** Whether the notification payload is a cancel; if so it is recorded. */
    boolean recordIfCancel(String payload) {
        if (payload == null || !payload.startsWith(PAYLOAD_PREFIX)) return false;
        record(payload.substring(PAYLOAD_PREFIX.length()));
        return true;
    }

    public boolean isCancelled(String pollId) {
        return pollId != null && cancelledAt.containsKey(pollId);
    }
}
