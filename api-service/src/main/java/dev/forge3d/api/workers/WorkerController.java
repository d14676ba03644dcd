package dev.forge3d.api.workers;

import dev.forge3d.api.logging.JobLogContextFilter;
import org.slf4j.MDC;
import dev.forge3d.api.metrics.JobMetrics;
import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.artifacts.ArtifactNames;
import dev.forge3d.api.artifacts.ArtifactStore;
import dev.forge3d.api.artifacts.CheckpointStore;
import dev.forge3d.api.artifacts.RangeDownload;
import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.WorkerProperties;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.jobs.JobTypes;
import dev.forge3d.api.queue.JobChanged;
import dev.forge3d.api.queue.JobQueue;
import dev.forge3d.api.queue.Lease;
import dev.forge3d.api.queue.PollCancellations;
import dev.forge3d.api.queue.QueueProperties;
import dev.forge3d.api.queue.QueueSignal;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.workers.WorkerMessages.*;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * The worker protocol. Workers authenticate with the worker token (and only with it: {@link RequiresCredential})
 * and never see the database; every call after the lease carries the fencing token and is refused with 409 stale-lease when it is not the
 * job's current, unexpired lease.
 */
@RestController
@RequiresCredential(CredentialKind.WORKER_TOKEN)
public class WorkerController {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WorkerController.class);
    static final String LEASE_TOKEN = "X-Lease-Token";

    private final JobQueue queue;
    private final QueueSignal signal;
    private final QueueProperties props;
    private final ArtifactStore artifacts;
    private final CheckpointStore checkpoints;
    private final BlobStore blobs;
    private final JdbcClient jdbc;
    private final WorkerProperties workerProps;
    private final ApplicationEventPublisher events;
    private final ObjectMapper mapper;
    private final WorkerRegistry registry;
    private final JobMetrics jobMetrics;
    private final PollCancellations cancellations;

    public WorkerController(JobQueue queue, QueueSignal signal, QueueProperties props, ArtifactStore artifacts,
            CheckpointStore checkpoints, BlobStore blobs, JdbcClient jdbc, WorkerProperties workerProps,
            ApplicationEventPublisher events, ObjectMapper mapper, WorkerRegistry registry, JobMetrics jobMetrics,
            PollCancellations cancellations) {
        this.cancellations = cancellations;
        this.queue = queue;
        this.signal = signal;
        this.props = props;
        this.artifacts = artifacts;
        this.checkpoints = checkpoints;
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.workerProps = workerProps;
        this.events = events;
        this.mapper = mapper;
        this.registry = registry;
        this.jobMetrics = jobMetrics;
    }

    /** Long poll: a lease as soon as a job can be claimed, or 204 after {@code waitSeconds}. */
    @PostMapping("/v1/worker/lease")
    ResponseEntity<LeaseResponse> lease(@RequestBody LeaseRequest req) throws InterruptedException {
        List<String> types = checkLeaseRequest(req);
        int wait = req.waitSeconds() == null ? 0 : req.waitSeconds();
        if (wait < 0 || wait > props.maxWaitSeconds()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "waitSeconds must be between 0 and " + props.maxWaitSeconds());
        }
        int leaseSeconds = props.clampLease(req.leaseSeconds());
        long deadline = System.nanoTime() + wait * 1_000_000_000L;
        long pollMillis = props.pollInterval().toMillis();
        while (true) {
            long seen = signal.generation();
            if (cancellations.isCancelled(req.pollId())) return ResponseEntity.noContent().build();
            Optional<LeaseResponse> lease = claim(types, req, leaseSeconds);
            if (lease.isPresent()) return ResponseEntity.ok(lease.get());
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) return ResponseEntity.noContent().build();
            signal.await(seen, Math.min(remainingMillis, pollMillis));
        }
    }

    /**
     * Ends the long poll {@code pollId} early, on whichever replica it waits (a worker shutting down): it answers 204
     * at its next look instead of leasing a job. A poll that already claimed one still answers with that lease.
     */
    @PostMapping("/v1/worker/lease/cancel")
    ResponseEntity<Void> cancelPoll(@RequestBody CancelPollRequest req) {
        checkPollId(req.pollId(), true);
        cancellations.cancel(req.pollId());
        return ResponseEntity.noContent().build();
    }

    private static void checkPollId(String pollId, boolean required) {
        if (pollId == null && !required) return;
        if (pollId == null || pollId.isBlank() || pollId.length() > 100 || !WorkerText.printable(pollId)) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "pollId must be 1 to 100 printable characters" + (required ? " (required)" : ""));
        }
    }

    private List<String> checkLeaseRequest(LeaseRequest req) {
        checkPollId(req.pollId(), false);
        if (req.workerId() == null || req.workerId().isBlank() || req.workerId().length() > 200
                || !WorkerText.printable(req.workerId())) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "workerId is required (at most 200 printable characters)");
        }
        var caps = req.capabilities();
        if (caps != null && (!nullOrPrintable(caps.backend()) || !nullOrPrintable(caps.gpuName()))) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "capabilities hold a control character");
        }
        List<String> types = req.jobTypes() == null || req.jobTypes().isEmpty() ? JobTypes.ALL : req.jobTypes();
        for (String t : types) JobTypes.require(t);
        registry.seen(req.workerId(), req.capabilities(), types);
        return types;
    }

    /** Only jobs whose requirements the worker's reported capabilities meet (WorkerRegistry.capacity). */
    private Optional<LeaseResponse> claim(List<String> types, LeaseRequest req, int leaseSeconds) {
        return queue.claim(types, req.workerId(), leaseSeconds, WorkerRegistry.capacity(req.capabilities())).map(l -> {
            MDC.put(JobLogContextFilter.JOB_ID, l.jobId().toString());
            log.info("job leased by worker {} (attempt {})", WorkerText.clean(req.workerId(), 200), l.attempt());
            events.publishEvent(new JobChanged(l.jobId()));
            return new LeaseResponse(l.jobId(), l.type(), l.attempt(), l.leaseToken(), l.leaseExpiresAt(),
                    l.leaseSeconds(), l.paramsJson(), l.inputsJson(), l.traceParent());
        });
    }

    @PostMapping("/v1/worker/jobs/{id}/heartbeat")
    HeartbeatResponse heartbeat(@PathVariable String id, @RequestBody HeartbeatRequest req) {
        UUID jobId = ArtifactController.parseJobId(id);
        if (req.progress() != null && (req.progress() < 0 || req.progress() > 1 || req.progress().isNaN())) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "progress must be between 0 and 1");
        }
        String stage = truncate(req.stage(), 100);
        String message = truncate(req.message(), 2000);
        Double eta = req.etaSeconds() == null || req.etaSeconds().isNaN() || req.etaSeconds() < 0 ? null
                : req.etaSeconds();
        var r = queue.heartbeat(jobId, token(req.leaseToken()), stage, req.progress(), eta, message)
                .orElseThrow(() -> stale(jobId));
        events.publishEvent(new JobChanged(jobId));
        return new HeartbeatResponse(r.cancelRequested(), r.leaseExpiresAt());
    }

    @GetMapping("/v1/worker/jobs/{id}/inputs/{*name}")
    void input(@PathVariable String id, @PathVariable String name,
            @RequestHeader(value = LEASE_TOKEN, required = false) String leaseToken,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        UUID jobId = ArtifactController.parseJobId(id);
        requireAttempt(jobId, leaseToken);
        String clean = ArtifactNames.require(name);
        record In(String key, long size, String sha) {}
        In in = jdbc.sql("select blob_key, size, sha256 from job_inputs where job_id = :id and name = :name")
                .param("id", jobId).param("name", clean)
                .query((rs, n) -> new In(rs.getString(1), rs.getLong(2), rs.getString(3))).optional()
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "job " + jobId + " has no input " + clean));
        RangeDownload.send(blobs, in.key(), in.size(), "application/octet-stream", in.sha(), range, response);
    }

    @PutMapping("/v1/worker/jobs/{id}/artifacts/{*name}")
    ResponseEntity<StoredFile> putArtifact(@PathVariable String id, @PathVariable String name,
            @RequestHeader(value = LEASE_TOKEN, required = false) String leaseToken, HttpServletRequest request)
            throws IOException {
        UUID jobId = ArtifactController.parseJobId(id);
        long token = leaseToken(leaseToken);
        int attempt = requireAttempt(jobId, token);
        String clean = ArtifactNames.require(name);
        try (InputStream body = request.getInputStream()) {
            var s = artifacts.store(jobId, token, attempt, clean, request.getContentType(), body,
                    workerProps.maxArtifactBytes().toBytes());
            return ResponseEntity.status(HttpStatus.CREATED).body(new StoredFile(s.name(), s.size(), s.sha256()));
        }
    }

    @PutMapping("/v1/worker/jobs/{id}/checkpoints/{*name}")
    ResponseEntity<StoredFile> putCheckpoint(@PathVariable String id, @PathVariable String name,
            @RequestHeader(value = LEASE_TOKEN, required = false) String leaseToken, HttpServletRequest request)
            throws IOException {
        UUID jobId = ArtifactController.parseJobId(id);
        long token = leaseToken(leaseToken);
        int attempt = requireAttempt(jobId, token);
        String clean = ArtifactNames.require(name);
        try (InputStream body = request.getInputStream()) {
            var s = checkpoints.store(jobId, token, attempt, clean, body);
            return ResponseEntity.status(HttpStatus.CREATED).body(new StoredFile(s.name(), s.size(), s.sha256()));
        }
    }

    @GetMapping("/v1/worker/jobs/{id}/checkpoints/{*name}")
    void getCheckpoint(@PathVariable String id, @PathVariable String name,
            @RequestHeader(value = LEASE_TOKEN, required = false) String leaseToken,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        UUID jobId = ArtifactController.parseJobId(id);
        requireAttempt(jobId, leaseToken);
        String clean = ArtifactNames.require(name);
        var found = checkpoints.find(jobId, clean)
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "no checkpoint " + clean));
        RangeDownload.send(blobs, found.blobKey(), found.size(), "application/octet-stream", null, range, response);
    }

    @PostMapping("/v1/worker/jobs/{id}/complete")
    CompleteResponse complete(@PathVariable String id, @RequestBody CompleteRequest req) {
        UUID jobId = ArtifactController.parseJobId(id);
        List<String> nextTypes = req.next() == null ? null : checkLeaseRequest(req.next());
        String metrics = req.metrics() == null || req.metrics().isNull() ? null
                : mapper.writeValueAsString(WorkerText.clean(req.metrics()));
        // SUCCEEDED, or CANCELED when the client's cancel was accepted first (the artifacts are then not published).
        String state = queue.complete(jobId, token(req.leaseToken()), metrics).orElseThrow(() -> stale(jobId));
        jobMetrics.ended(jobId, state, req.metrics());
        log.info("job completed by its worker: {}", state);
        events.publishEvent(new JobChanged(jobId));
        LeaseResponse next = nextTypes == null ? null
                : claim(nextTypes, req.next(), props.clampLease(req.next().leaseSeconds())).orElse(null);
        return new CompleteResponse(jobId, state, next);
    }

    @PostMapping("/v1/worker/jobs/{id}/fail")
    JobStateResponse fail(@PathVariable String id, @RequestBody FailRequest req) {
        UUID jobId = ArtifactController.parseJobId(id);
        // Storable (WorkerText), and shown to clients as the job's error detail without exception class names,
        // stack frames or absolute paths (FailureReasons).
        String reason = FailureReasons.clean(WorkerText.clean(req.reason(), 64 * 1024), 4000);
        boolean retryable = req.retryable() != null && req.retryable();
        String state = queue.fail(jobId, token(req.leaseToken()), reason, retryable).orElseThrow(() -> stale(jobId));
        jobMetrics.ended(jobId, state, null);
        log.info("job failed at its worker ({}): {}", retryable ? "retryable" : "final", state);
        if (state.equals("QUEUED")) {
            queue.notifyQueued("retry");
            signal.signalAll();
        }
        events.publishEvent(new JobChanged(jobId));
        return new JobStateResponse(jobId, state);
    }

    @PostMapping("/v1/worker/jobs/{id}/canceled")
    JobStateResponse canceled(@PathVariable String id, @RequestBody CanceledRequest req) {
        UUID jobId = ArtifactController.parseJobId(id);
        switch (queue.acknowledgeCancel(jobId, token(req.leaseToken()))) {
            case STALE -> throw stale(jobId);
            case NOT_REQUESTED -> throw new ApiException(ProblemType.CANCEL_NOT_REQUESTED,
                    "job " + jobId + " has no cancel request; use fail to give a job up");
            case CANCELED -> { }
        }
        jobMetrics.ended(jobId, "CANCELED", null);
        log.info("job canceled at its worker");
        events.publishEvent(new JobChanged(jobId));
        return new JobStateResponse(jobId, "CANCELED");
    }

    private int requireAttempt(UUID jobId, String header) {
        return requireAttempt(jobId, leaseToken(header));
    }

    private static long leaseToken(String header) {
        if (header == null || header.isBlank()) {
            throw new ApiException(ProblemType.MISSING_LEASE_TOKEN, "send the lease token in the X-Lease-Token header");
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "X-Lease-Token must be a number");
        }
    }

    /** Checked before a body is read (so a stale worker does not upload for nothing); uploads check again. */
    private int requireAttempt(UUID jobId, long token) {
        OptionalInt attempt = queue.currentAttempt(jobId, token);
        if (attempt.isEmpty()) throw stale(jobId);
        return attempt.getAsInt();
    }

    private static long token(Long t) {
        if (t == null) throw new ApiException(ProblemType.MISSING_LEASE_TOKEN, "leaseToken is required");
        return t;
    }

    private static ApiException stale(UUID jobId) {
        return new ApiException(ProblemType.STALE_LEASE,
                "the lease token is not the current lease of job " + jobId + " (expired, re-leased or finished)");
    }

    private static boolean nullOrPrintable(String s) {
        return s == null || (s.length() <= 200 && WorkerText.printable(s));
    }

    private static String truncate(String s, int max) {
        return WorkerText.clean(s, max);
    }
}
