package dev.forge3d.api.queue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Holds one dedicated connection (outside the pool) that LISTENs on {@link JobQueue#CHANNEL} and wakes waiting
 * lease requests when any replica enqueues a job. If the connection drops, waiters fall back to polling every
 * {@code forge3d.queue.poll-interval} until it reconnects; NOTIFY is only a latency hint, never needed for
 * correctness.
 */
@Component
public class QueueListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);
    private final DataSourceProperties ds;
    private final QueueSignal signal;
    private final QueueProperties props;
    private final PollCancellations cancellations;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    public QueueListener(DataSourceProperties ds, QueueSignal signal, QueueProperties props,
            PollCancellations cancellations) {
        this.ds = ds;
        this.cancellations = cancellations;
        this.signal = signal;
        this.props = props;
    }

    @Override
    public void start() {
        if (!props.listen()) return;
        running = true;
        thread = Thread.ofPlatform().name("queue-listener").daemon().start(this::loop);
    }

    private void loop() {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try (Connection c = DriverManager.getConnection(ds.determineUrl(), ds.determineUsername(),
                    ds.determinePassword())) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + JobQueue.CHANNEL);
                }
                backoff = Duration.ofMillis(200);
                // Anything enqueued while we were not listening: let waiters look.
                signal.signalAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] ns = pg.getNotifications(1000);
                    if (ns == null || ns.length == 0) continue;
                    for (PGNotification n : ns) cancellations.recordIfCancel(n.getParameter());
                    signal.signalAll();
                }
            } catch (Exception e) {
                if (!running) return;
                log.warn("queue listener connection lost ({}); polling until it reconnects", e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                        ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
            } finally {
                connection = null;
            }
        }
    }

    public boolean listening() {
        return connection != null;
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
