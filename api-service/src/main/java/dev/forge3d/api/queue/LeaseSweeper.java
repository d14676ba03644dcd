package dev.forge3d.api.queue;

import dev.forge3d.api.scheduling.PeriodicTask;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Every {@code forge3d.queue.sweep-interval}, puts jobs whose lease expired back in the queue (or FAILs them after
 * the last attempt). Safe on many replicas at once: the sweep locks rows with SKIP LOCKED.
 */
@Component
public class LeaseSweeper extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);
    private final JobQueue queue;
    private final QueueSignal signal;
    private final ApplicationEventPublisher events;
    private final QueueProperties props;

    public LeaseSweeper(JobQueue queue, QueueSignal signal, ApplicationEventPublisher events, QueueProperties props) {
        super("lease-sweeper");
        this.queue = queue;
        this.signal = signal;
        this.events = events;
        this.props = props;
    }

    /** One sweep; returns how many leases had expired. */
    public int sweep() {
        int total = 0;
        List<JobQueue.Expired> expired;
        do {
            expired = queue.expireLeases(500);
            total += expired.size();
            for (JobQueue.Expired e : expired) {
                log.info("lease of job {} expired: now {}", e.jobId(), e.newState());
                events.publishEvent(new JobChanged(e.jobId()));
            }
            if (expired.stream().anyMatch(e -> e.newState().equals("QUEUED"))) {
                queue.notifyQueued("requeued");
                signal.signalAll();
            }
        } while (expired.size() == 500);
        return total;
    }

    @Override
    protected Duration interval() {
        return props.sweepInterval();
    }

    @Override
    protected void runOnce() {
        sweep();
    }
}
