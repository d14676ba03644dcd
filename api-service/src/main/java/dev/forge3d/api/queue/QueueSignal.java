package dev.forge3d.api.queue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Wakes waiting lease requests when work may have arrived. A generation counter avoids lost wake-ups: a waiter
 * reads the generation before it tries to claim, and only sleeps if no signal came since.
 */
@Component
public class QueueSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    public void signalAll() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until the generation moves past {@code seen} or {@code maxMillis} pass. */
    public void await(long seen, long maxMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
        lock.lock();
        try {
            while (generation == seen && nanos > 0) nanos = changed.awaitNanos(nanos);
        } finally {
            lock.unlock();
        }
    }
}
