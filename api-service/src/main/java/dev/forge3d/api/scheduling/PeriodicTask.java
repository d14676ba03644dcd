package dev.forge3d.api.scheduling;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background action run at a fixed delay on its own daemon thread while the application runs; a failed run is
 * logged and the next one still happens (the database may be briefly unavailable, the next run catches up).
 */
public abstract class PeriodicTask implements SmartLifecycle {
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private ScheduledExecutorService timer;

    /** @param name the thread's name, also used in log lines */
    protected PeriodicTask(String name) {
        this.name = name;
    }

    /** The delay between the end of one run and the start of the next (read once, at start). */
    protected abstract Duration interval();

    /** One run of the action. */
    protected abstract void runOnce();

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
        long ms = interval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("{} failed (will retry): {}", name, e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) timer.shutdownNow();
        timer = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
