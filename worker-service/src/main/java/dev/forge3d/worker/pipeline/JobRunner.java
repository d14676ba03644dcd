package dev.forge3d.worker.pipeline;

import dev.forge3d.jobs.media.MediaTypes;
import dev.forge3d.runtime.progress.CancelledException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.ApiException;
import dev.forge3d.worker.client.ArtifactReceipt;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.client.HeartbeatRequest;
import dev.forge3d.worker.client.HeartbeatResponse;
import dev.forge3d.worker.client.InputFile;
import dev.forge3d.worker.client.JobTrace;
import dev.forge3d.worker.tracing.WorkerTracing;
import dev.forge3d.worker.client.Lease;
import dev.forge3d.worker.client.Sha256;
import dev.forge3d.worker.client.StaleLeaseException;
import dev.forge3d.worker.client.TransientApiException;
import dev.forge3d.worker.client.WorkerApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Runs one leased job: downloads and verifies the inputs, runs the job type's {@link Pipeline}, uploads every
 * file of the output folder as an artifact, then completes the job with its metrics. Meanwhile a heartbeat
 * thread reports stage, overall progress and ETA every {@code leaseSeconds / 3} (at most
 * {@link Settings#maxHeartbeatInterval()} apart), which extends the lease.
 *
 * <ul>
 *   <li>A heartbeat answering {@code cancelRequested} makes the stage's listener report
 *       {@code cancelRequested()}; the stage throws {@link CancelledException} and the runner calls
 *       {@code canceled}.</li>
 *   <li>A 409 (stale lease) on any call, or no heartbeat accepted for a whole lease period, means another
 *       attempt may own the job: the runner stops at once (the job thread is interrupted) and publishes
 *       nothing, not even a {@code fail}.</li>
 *   <li>A stage failure is reported with {@code fail} and the stage's reason.</li>
 *   <li>{@link #abandonCurrent()} (worker shutdown) stops the job and hands it back with a retryable
 *       {@code fail}.</li>
 * </ul>
 * One job at a time per runner.
 */
public final class JobRunner implements AutoCloseable {

    /**
     * @param workerId     the worker's name
     * @param capabilities what it runs on
     * @param workRoot     jobs run under {@code workRoot/jobs/<jobId>/attempt-<n>}
     * @param keepWorkDirs keep an attempt's folders after it ended (debugging); deleted by default
     * @param maxHeartbeatInterval heartbeats go every {@code leaseSeconds / 3}, or more often when this is
     *                             shorter, so that a cancel request is seen within a few seconds
     */
    public record Settings(String workerId, Capabilities capabilities, Path workRoot, boolean keepWorkDirs,
                           Duration maxHeartbeatInterval, WorkerTracing tracing) { }

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_REASON = 2000;
    private static final String METRICS = "metrics.json";

    private final WorkerApiClient api;
    private final PipelineRegistry pipelines;
    private final Settings settings;
    private final ScheduledExecutorService heartbeats;
    private final AtomicReference<RunningJob> current = new AtomicReference<>();

    public JobRunner(WorkerApiClient api, PipelineRegistry pipelines, Settings settings) {
        this.api = api;
        this.pipelines = pipelines;
        this.settings = settings;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forge3d-heartbeat-" + settings.workerId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks the running job (if any) to stop and hand itself back to the queue; returns at once. */
    public void abandonCurrent() {
        RunningJob job = current.get();
        if (job != null) {
            job.abandon = true;
            job.interruptTransfer();
        }
    }

    /**
     * Runs the leased job to its end on the calling thread, with the job id and its trace id in the thread's log
     * lines ({@link JobTrace}).
     */
    public JobResult run(Lease lease) {
        try (JobTrace trace = JobTrace.open(lease)) {
            return runTraced(lease);
        }
    }

    private JobResult runTraced(Lease lease) {
        RunningJob job = new RunningJob(lease, Thread.currentThread());
        current.set(job);
        Pipeline pipeline = pipelines.pipeline(lease.type()).orElse(null);
        if (pipeline == null) {
            return finish(job, fail(job, "worker " + settings.workerId() + " has no pipeline for job type '"
                    + lease.type() + "'", true), null);
        }
        List<OverallProgress.Phase> phases = phases(pipeline);
        OverallProgress progress = new OverallProgress(phases, null);
        job.progress = progress;
        long intervalMs = Math.max(100, Math.min(lease.leaseSeconds() * 1000L / 3, settings.maxHeartbeatInterval().toMillis()));
        ScheduledFuture<?> beat = heartbeats.scheduleWithFixedDelay(() -> heartbeat(job), intervalMs, intervalMs,
                TimeUnit.MILLISECONDS);
        log.info("job {} ({}, attempt {}): started, {} inputs, stages {}", lease.jobId(), lease.type(),
                lease.attempt(), lease.inputs().size(), phases.stream().map(OverallProgress.Phase::name).toList());
        Path root = settings.workRoot().resolve("jobs").resolve(safeName(lease.jobId()))
                .resolve("attempt-" + lease.attempt());
        JobResult result;
        try {
            result = execute(job, pipeline, progress, JobDirectories.create(root));
        } catch (RuntimeException e) {
            result = stopOrFail(job, "worker error: " + PipelineExecutor.describe(e), true, e);
        } finally {
            beat.cancel(false);
        }
        return finish(job, result, root);
    }

    private JobResult execute(RunningJob job, Pipeline pipeline, OverallProgress progress, JobDirectories dirs) {
        Lease lease = job.lease;
        ProgressListener listener = progress.listener(job::shouldStop);
        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("jobType", lease.type());
        metrics.put("attempt", lease.attempt());
        metrics.put("workerId", settings.workerId());
        metrics.put("backend", settings.capabilities().backend());
        metrics.put("threads", settings.capabilities().threads());
        try {
            progress.begin(0);
            long t0 = System.nanoTime();
            job.transferring(true);
            List<JobInput> inputs = downloadInputs(job, dirs, listener);
            job.transferring(false);
            metrics.putObject("download").put("seconds", seconds(t0))
                    .put("bytes", inputs.stream().mapToLong(JobInput::size).sum());

            JobDescriptor descriptor = new JobDescriptor(lease.jobId(), lease.type(), lease.attempt(),
                    new JobParams(lease.params()), settings.workerId(), settings.capabilities());
            PipelineExecutor.run(pipeline, descriptor, inputs, dirs, new ApiCheckpoints(job), progress, 1,
                    job::shouldStop, metrics,
                    settings.tracing().job(JobTrace.valid(lease.traceParent()) ? lease.traceParent() : null,
                            lease.jobId(), lease.attempt()));

            progress.begin(pipeline.steps().size() + 1);
            Path metricsFile = dirs.outputs().resolve(METRICS);
            if (!Files.exists(metricsFile)) {
                Files.write(metricsFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(metrics));
            }
            long t1 = System.nanoTime();
            job.transferring(true);
            int uploaded = uploadArtifacts(job, dirs, listener);
            job.transferring(false);
            metrics.putObject("upload").put("seconds", seconds(t1)).put("artifacts", uploaded);

            listener.checkCancelled();
            job.finishing = true;
            api.complete(lease.jobId(), lease.leaseToken(), metrics);
            log.info("job {}: completed, {} artifacts", lease.jobId(), uploaded);
            return new JobResult(lease.jobId(), JobResult.Outcome.SUCCEEDED, null);
        } catch (CancelledException e) {
            return stopped(job);
        } catch (StaleLeaseException e) {
            job.loseLease("the API refused the lease token: " + e.getMessage());
            return stopped(job);
        } catch (StageFailedException e) {
            return stopOrFail(job, e.getMessage(), e.retryable(), e);
        } catch (TransientApiException e) {
            return stopOrFail(job, "worker lost contact with the API: " + e.getMessage(), true, e);
        } catch (ApiException e) {
            return stopOrFail(job, e.getMessage(), false, e);
        } catch (IOException | UncheckedIOException e) {
            return stopOrFail(job, "worker I/O error: " + PipelineExecutor.describe(e), true, e);
        }
    }

    private List<JobInput> downloadInputs(RunningJob job, JobDirectories dirs, ProgressListener listener) {
        Lease lease = job.lease;
        long total = lease.inputs().stream().mapToLong(InputFile::size).sum();
        long done = 0;
        List<JobInput> result = new ArrayList<>();
        for (InputFile in : lease.inputs()) {
            listener.checkCancelled();
            Path target;
            try {
                target = RelativeNames.resolve(dirs.inputs(), in.name());
            } catch (IllegalArgumentException e) {
                throw new StageFailedException("input name not allowed: '" + in.name() + "'");
            }
            Sha256.Written got = null;
            for (int attempt = 1; attempt <= 2; attempt++) {
                got = api.downloadInput(lease.jobId(), lease.leaseToken(), in.name(), target);
                if (matches(in, got)) break;
                if (attempt == 2) {
                    throw new StageFailedException("input '" + in.name() + "' arrived corrupted twice (got "
                            + got.size() + " bytes, sha256 " + got.sha256() + "; expected " + in.size()
                            + " bytes, sha256 " + in.sha256() + ")", true, null);
                }
                log.warn("job {}: input {} arrived corrupted, downloading it again", lease.jobId(), in.name());
            }
            done += got.size();
            result.add(new JobInput(in.name(), target, got.size(), got.sha256(), in.mediaType()));
            listener.onProgress(Progress.of("download", total == 0 ? 1 : (double) done / total, Double.NaN, in.name()));
        }
        return result;
    }

    private static boolean matches(InputFile expected, Sha256.Written got) {
        if (expected.sha256() != null && !expected.sha256().isBlank()) return expected.sha256().equalsIgnoreCase(got.sha256());
        return expected.size() <= 0 || expected.size() == got.size();
    }

    private int uploadArtifacts(RunningJob job, JobDirectories dirs, ProgressListener listener) throws IOException {
        Lease lease = job.lease;
        List<Path> files;
        try (Stream<Path> s = Files.walk(dirs.outputs())) {
            files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> RelativeNames.of(dirs.outputs(), p))).toList();
        }
        long total = 0;
        for (Path f : files) total += Files.size(f);
        long done = 0;
        for (Path f : files) {
            listener.checkCancelled();
            String name = RelativeNames.of(dirs.outputs(), f);
            String sha = Sha256.of(f);
            for (int attempt = 1; ; attempt++) {
                ArtifactReceipt r = api.uploadArtifact(lease.jobId(), lease.leaseToken(), name, f, MediaTypes.forName(name));
                if (r.sha256() == null || r.sha256().equalsIgnoreCase(sha)) break;
                if (attempt == 2) {
                    throw new TransientApiException("artifact " + name + " was stored corrupted twice (sha256 "
                            + r.sha256() + ", sent " + sha + ")", 0, null, null, null);
                }
            }
            done += Files.size(f);
            listener.onProgress(Progress.of("upload", total == 0 ? 1 : (double) done / total, Double.NaN, name));
        }
        return files.size();
    }

    /** The job stopped because of a cancel, a lost lease or a shutdown: say so to the API as fits. */
    private JobResult stopped(RunningJob job) {
        Lease lease = job.lease;
        if (job.leaseLost != null) {
            log.warn("job {}: stopped, lease lost ({}); nothing published", lease.jobId(), job.leaseLost);
            return new JobResult(lease.jobId(), JobResult.Outcome.LEASE_LOST, job.leaseLost);
        }
        if (job.cancel) {
            Thread.interrupted();
            try {
                api.canceled(lease.jobId(), lease.leaseToken());
                log.info("job {}: canceled", lease.jobId());
                return new JobResult(lease.jobId(), JobResult.Outcome.CANCELED, null);
            } catch (StaleLeaseException e) {
                return new JobResult(lease.jobId(), JobResult.Outcome.LEASE_LOST, e.getMessage());
            } catch (ApiException e) {
                log.warn("job {}: could not acknowledge the cancel: {}", lease.jobId(), e.getMessage());
                return new JobResult(lease.jobId(), JobResult.Outcome.CANCELED, e.getMessage());
            }
        }
        if (job.abandon) {
            JobResult r = fail(job, "worker " + settings.workerId() + " shut down during stage '"
                    + job.progress.snapshot().stage() + "'", true);
            return r.outcome() == JobResult.Outcome.FAILED
                    ? new JobResult(lease.jobId(), JobResult.Outcome.ABANDONED, r.reason()) : r;
        }
        return fail(job, "worker " + settings.workerId() + " was interrupted", true);
    }

    private JobResult stopOrFail(RunningJob job, String reason, boolean retryable, Throwable e) {
        if (job.shouldStop()) return stopped(job);
        log.warn("job {}: failed: {}", job.lease.jobId(), reason, log.isDebugEnabled() ? e : null);
        return fail(job, reason, retryable);
    }

    private JobResult fail(RunningJob job, String reason, boolean retryable) {
        String r = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason;
        Thread.interrupted();
        try {
            api.fail(job.lease.jobId(), job.lease.leaseToken(), r, retryable);
        } catch (StaleLeaseException e) {
            return new JobResult(job.lease.jobId(), JobResult.Outcome.LEASE_LOST, e.getMessage());
        } catch (ApiException e) {
            log.warn("job {}: could not report the failure ({}); the lease will expire", job.lease.jobId(), e.getMessage());
        }
        return new JobResult(job.lease.jobId(), JobResult.Outcome.FAILED, r);
    }

    private JobResult finish(RunningJob job, JobResult result, Path root) {
        synchronized (job) {
            job.active = false;
            job.transferring = false;
        }
        Thread.interrupted(); // a lost lease may have interrupted this thread; the next job starts clean
        current.compareAndSet(job, null);
        if (root != null && !settings.keepWorkDirs()) deleteTree(root);
        return result;
    }

    private void heartbeat(RunningJob job) {
        try (JobTrace trace = JobTrace.open(job.lease)) {
            beat(job);
        }
    }

    private void beat(RunningJob job) {
        if (!job.active || job.finishing) return;
        Lease lease = job.lease;
        OverallProgress.Snapshot s = job.progress.snapshot();
        Double eta = Double.isFinite(s.etaSeconds()) ? Math.round(s.etaSeconds() * 10) / 10.0 : null;
        try {
            HeartbeatResponse r = api.heartbeat(lease.jobId(), new HeartbeatRequest(lease.leaseToken(), s.stage(),
                    s.progress(), eta, s.message().isEmpty() ? null : s.message()));
            job.lastAccepted = System.nanoTime();
            if (r.cancelRequested() && !job.cancel) {
                log.info("job {}: cancel requested", lease.jobId());
                job.cancel = true;
                job.interruptTransfer();
            }
        } catch (StaleLeaseException e) {
            if (!job.finishing) job.loseLease("the API refused the lease token: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("job {}: heartbeat failed: {}", lease.jobId(), e.getMessage());
        }
        if (job.leaseExpiredLocally()) {
            job.loseLease("no heartbeat was accepted for " + lease.leaseSeconds() + " s, so the lease has expired");
        }
    }

    private static List<OverallProgress.Phase> phases(Pipeline pipeline) {
        // downloads and uploads get a small fixed share; the stages split the rest by their weights
        double transfer = 0.02 * pipeline.totalWeight();
        List<OverallProgress.Phase> phases = new ArrayList<>();
        phases.add(new OverallProgress.Phase("download", transfer));
        for (Pipeline.Step s : pipeline.steps()) phases.add(new OverallProgress.Phase(s.stage().name(), s.weight()));
        phases.add(new OverallProgress.Phase("upload", transfer));
        return phases;
    }

    private static String safeName(String s) {
        String r = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return r.isEmpty() || r.startsWith(".") ? "_" + r : r;
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.debug("could not clean {}: {}", root, e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }

    /** Checkpoints in the API's blob store, under the lease; a 409 there means the lease is lost. */
    private final class ApiCheckpoints implements Checkpoints {
        private final RunningJob job;

        ApiCheckpoints(RunningJob job) {
            this.job = job;
        }

        @Override
        public boolean fetch(String name, Path target) {
            try {
                return api.getCheckpoint(job.lease.jobId(), job.lease.leaseToken(), name, target);
            } catch (StaleLeaseException e) {
                job.loseLease("the API refused the lease token: " + e.getMessage());
                throw e;
            }
        }

        @Override
        public void save(String name, Path file) {
            try {
                api.putCheckpoint(job.lease.jobId(), job.lease.leaseToken(), name, file);
            } catch (StaleLeaseException e) {
                job.loseLease("the API refused the lease token: " + e.getMessage());
                throw e;
            }
        }

        @Override
        public boolean handingBack() {
            return job.abandon && !job.cancel && job.leaseLost == null;
        }
    }

    /** The state of the job in flight, shared by the job thread and the heartbeat thread. */
    private static final class RunningJob {
        final Lease lease;
        final Thread thread;
        final long leaseNanos;
        volatile OverallProgress progress;
        volatile long lastAccepted = System.nanoTime();
        volatile boolean cancel;
        volatile boolean abandon;
        volatile boolean finishing;
        volatile String leaseLost;
        volatile boolean active = true;
        private boolean transferring;

        RunningJob(Lease lease, Thread thread) {
            this.lease = lease;
            this.thread = thread;
            this.leaseNanos = lease.leaseSeconds() * 1_000_000_000L;
        }

        boolean leaseExpiredLocally() {
            return !finishing && System.nanoTime() - lastAccepted > leaseNanos;
        }

        boolean shouldStop() {
            if (leaseLost == null && leaseExpiredLocally()) {
                loseLease("no heartbeat was accepted for " + lease.leaseSeconds() + " s, so the lease has expired");
            }
            return cancel || abandon || leaseLost != null;
        }

        /** Inputs or artifacts are streaming: a cancel or shutdown interrupts the transfer instead of waiting for it. */
        synchronized void transferring(boolean on) {
            transferring = on;
        }

        synchronized void interruptTransfer() {
            if (active && transferring) thread.interrupt();
        }

        /** Marks the lease lost and interrupts the job thread so blocking calls stop at once. */
        void loseLease(String why) {
            synchronized (this) {
                if (leaseLost != null) return;
                leaseLost = why;
                if (active) thread.interrupt();
            }
        }
    }
}
