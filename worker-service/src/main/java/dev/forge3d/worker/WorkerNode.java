package dev.forge3d.worker;

import dev.forge3d.worker.client.ApiException;
import dev.forge3d.worker.client.Lease;
import dev.forge3d.worker.client.LeaseRequest;
import dev.forge3d.worker.client.TransientApiException;
import dev.forge3d.worker.client.UnauthorizedException;
import dev.forge3d.worker.client.WorkerApiClient;
import dev.forge3d.worker.pipeline.JobResult;
import dev.forge3d.worker.pipeline.JobRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker node: long-polls the API for jobs it can run and runs them one at a time with a {@link JobRunner}.
 * Start one with {@link #start(WorkerConfig)} (a separate process via {@code forge3d worker}, or in-process
 * next to the API in embedded mode); {@link #close()} stops it gracefully.
 */
public final class WorkerNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final WorkerApiClient api;
    private final JobRunner runner;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lock = new Object();
    private final AtomicInteger jobsFinished = new AtomicInteger();
    private volatile boolean stopping;
    private volatile boolean inJob;
    /** The long poll under way, if any (guarded by {@link #lock} for writes). */
    private volatile LeaseRequest polling;
    private volatile Throwable failure;
    private volatile JobResult lastResult;

    private WorkerNode(WorkerConfig config) {
        this.config = config;
        this.api = new WorkerApiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                config.apiBaseUri(), config.token(), config.retryPolicy());
        this.runner = new JobRunner(api, config.pipelines(), new JobRunner.Settings(config.workerId(),
                config.capabilities(), config.workDir(), config.keepWorkDirs(), config.maxHeartbeatInterval(), config.tracing()));
        this.thread = new Thread(this::loop, "forge3d-worker-" + config.workerId());
        this.thread.setDaemon(true);
    }

    /**
     * Starts a worker node on its own thread and returns at once. The node leases jobs until {@link #close()}
     * or until the API rejects its token ({@link #failure()}).
     */
    public static WorkerNode start(WorkerConfig config) {
        WorkerNode node = new WorkerNode(config);
        log.info("worker {} polling {} for {} ({} backend, {} threads, {} MiB)", config.workerId(),
                config.apiBaseUri(), config.jobTypes(), config.capabilities().backend(),
                config.capabilities().threads(), config.capabilities().memoryBytes() >> 20);
        node.thread.start();
        return node;
    }

    public WorkerConfig config() { return config; }

    public boolean isRunning() { return stopped.getCount() > 0; }

    /** Jobs this node has run to an end (any outcome). */
    public int jobsFinished() { return jobsFinished.get(); }

    /** How the most recent job ended, if any. */
    public Optional<JobResult> lastResult() { return Optional.ofNullable(lastResult); }

    /** Why the node stopped on its own (e.g. the API rejected the worker token); empty while running or after close. */
    public Optional<Throwable> failure() { return Optional.ofNullable(failure); }

    /** Waits until the node's loop has ended; true if it did within {@code timeout}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops leasing; a running job gets {@link WorkerConfig#shutdownGrace()} to finish, after which it is handed
     * back to the queue (a retryable {@code fail}, so another worker resumes it from its checkpoints). A long poll
     * under way is cancelled at the API rather than dropped: the API could still lease a job to a dropped poll, and
     * that job would sit leased to no one until its lease expired. The poll's answer is read, and a lease in it is
     * handed back. Returns when the node has stopped, or after a bounded wait.
     */
    @Override
    public void close() {
        LeaseRequest poll;
        synchronized (lock) {
            stopping = true;
            poll = polling;
            if (!inJob && poll == null) thread.interrupt(); // ends a back-off pause at once
        }
        if (poll != null) cancelPoll(poll);
        try {
            if (!stopped.await(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                if (inJob) log.info("worker {}: handing the running job back", config.workerId());
                runner.abandonCurrent();
                // A poll the API could not cancel (unreachable, or an API without the call) ends by its waitSeconds.
                if (!stopped.await(60, TimeUnit.SECONDS)) {
                    log.warn("worker {}: did not stop within 60 s; interrupting it", config.workerId());
                    thread.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runner.abandonCurrent();
        } finally {
            runner.close();
        }
    }

    private void loop() {
        LeaseRequest request = new LeaseRequest(config.workerId(), config.capabilities(), config.jobTypes(),
                config.leaseWaitSeconds());
        Duration backoff = Duration.ZERO;
        try {
            while (!stopping) {
                if (!backoff.isZero() && !pause(backoff)) break;
                LeaseRequest poll = request.nextPoll();
                synchronized (lock) {
                    if (stopping) break;
                    polling = poll;
                }
                Optional<Lease> lease;
                try {
                    lease = api.lease(poll);
                    backoff = Duration.ZERO;
                } catch (UnauthorizedException e) {
                    failure = e;
                    log.error("worker {}: the API rejected the worker token ({}); stopping", config.workerId(), e.getMessage());
                    break;
                } catch (TransientApiException e) {
                    if (stopping) break;
                    backoff = next(backoff);
                    log.warn("worker {}: API unreachable ({}); retrying in {} s", config.workerId(), e.getMessage(), backoff.toSeconds());
                    continue;
                } catch (ApiException e) {
                    backoff = next(backoff);
                    log.warn("worker {}: lease refused ({}); retrying in {} s", config.workerId(), e.getMessage(), backoff.toSeconds());
                    continue;
                } finally {
                    synchronized (lock) {
                        polling = null;
                    }
                }
                if (lease.isEmpty()) continue;
                if (!enterJob()) {
                    handBack(lease.get());
                    break;
                }
                try {
                    lastResult = runner.run(lease.get());
                    jobsFinished.incrementAndGet();
                    log.info("worker {}: job {} ended {}", config.workerId(), lastResult.jobId(), lastResult.outcome());
                } finally {
                    synchronized (lock) {
                        inJob = false;
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("worker {}: stopped by an unexpected error", config.workerId(), e);
        } finally {
            stopped.countDown();
            log.info("worker {}: stopped", config.workerId());
        }
    }

    private boolean enterJob() {
        synchronized (lock) {
            if (stopping) return false;
            inJob = true;
            return true;
        }
    }

    private void cancelPoll(LeaseRequest poll) {
        try {
            api.cancelPoll(poll.pollId());
        } catch (ApiException e) {
            log.info("worker {}: could not end the long poll early ({}); it ends within {} s",
                    config.workerId(), e.getMessage(), poll.waitSeconds());
        }
    }

    /** A lease that arrived while stopping: give it back at once instead of letting it expire. */
    private void handBack(Lease lease) {
        Thread.interrupted();
        try {
            api.fail(lease.jobId(), lease.leaseToken(), "worker " + config.workerId() + " shut down before starting the job", true);
        } catch (ApiException e) {
            log.warn("worker {}: could not hand job {} back ({}); its lease will expire", config.workerId(), lease.jobId(), e.getMessage());
        }
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static Duration next(Duration backoff) {
        Duration n = backoff.isZero() ? Duration.ofSeconds(1) : backoff.multipliedBy(2);
        return n.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : n;
    }
}
