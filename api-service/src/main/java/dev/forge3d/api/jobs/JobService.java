package dev.forge3d.api.jobs;

import dev.forge3d.api.artifacts.ArtifactController.ArtifactView;
import dev.forge3d.api.artifacts.ArtifactRepository;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.limits.JobQuotas;
import dev.forge3d.api.queue.JobChanged;
import dev.forge3d.api.tracing.TraceParents;
import dev.forge3d.api.queue.JobQueue;
import dev.forge3d.api.queue.QueueProperties;
import dev.forge3d.api.queue.QueueSignal;
import dev.forge3d.api.uploads.StoredInput;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Creating, reading, listing and cancelling jobs for the public API. */
@Service
public class JobService {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final JobInputRepository inputs;
    private final ArtifactRepository artifacts;
    private final JobQueue queue;
    private final QueueSignal signal;
    private final QueueProperties queueProps;
    private final JobProperties props;
    private final BlobStore blobs;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final ObjectMapper mapper;
    private final JdbcClient jdbc;
    private final JobQuotas quotas;
    private final TraceParents traces;

    public JobService(JobRepository jobs, JobInputRepository inputs, ArtifactRepository artifacts, JobQueue queue,
            QueueSignal signal, QueueProperties queueProps, JobProperties props, BlobStore blobs,
            TransactionTemplate tx, ApplicationEventPublisher events, ObjectMapper mapper, JdbcClient jdbc,
            JobQuotas quotas, TraceParents traces) {
        this.traces = traces;
        this.jdbc = jdbc;
        this.quotas = quotas;
        this.jobs = jobs;
        this.inputs = inputs;
        this.artifacts = artifacts;
        this.queue = queue;
        this.signal = signal;
        this.queueProps = queueProps;
        this.props = props;
        this.blobs = blobs;
        this.tx = tx;
        this.events = events;
        this.mapper = mapper;
    }

    /** A validated create request whose inputs are already in the blob store under {@code jobId}. */
    public record NewJob(UUID jobId, String type, int priority, ObjectNode params, List<StoredInput> inputs,
            String fingerprint, JobRequirements requirements, String callbackUrl) {}

    public record Created(JobView job, boolean replayed) {}

    /**
     * Inserts the job and its inputs and NOTIFYs waiting workers, all in one transaction. With an idempotency key
     * already used: the same request gives back the first job (this request's uploads are discarded); another
     * request is 409.
     */
    public Created create(TenantId tenant, String idempotencyKey, NewJob req) {
        if (idempotencyKey != null) {
            Optional<Created> replay = replay(tenant, idempotencyKey, req);
            if (replay.isPresent()) return replay.get();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            Job saved = tx.execute(status -> {
                quotas.checkCanCreate(tenant.value(), req.inputs().stream().mapToLong(StoredInput::size).sum());
                Job job = new Job(req.jobId(), tenant.value(), req.type(), req.priority(),
                        mapper.writeValueAsString(req.params()), req.inputs().size(), idempotencyKey,
                        req.fingerprint(), queueProps.maxAttempts(), req.requirements(), now, req.callbackUrl());
                job.setTraceParent(traces.currentTraceParent());
                job = jobs.save(job);
                inputs.saveAll(req.inputs().stream().map(i -> new JobInput(req.jobId(), i.name(), i.size(), i.sha256(),
                        i.mediaType(), i.blobKey())).toList());
                jobs.flush();
                queue.notifyQueued(req.type());
                return job;
            });
            signal.signalAll();
            events.publishEvent(new JobChanged(saved.getId()));
            return new Created(view(saved), false);
        } catch (DataIntegrityViolationException e) {
            // A concurrent request with the same idempotency key won the insert.
            if (idempotencyKey != null) {
                Optional<Created> replay = replay(tenant, idempotencyKey, req);
                if (replay.isPresent()) return replay.get();
            }
            discardUploads(req.jobId());
            throw e;
        }
    }

    private Optional<Created> replay(TenantId tenant, String key, NewJob req) {
        Optional<Job> existing = jobs.findByTenantIdAndIdempotencyKey(tenant.value(), key);
        if (existing.isEmpty()) return Optional.empty();
        discardUploads(req.jobId());
        if (!existing.get().getRequestHash().equals(req.fingerprint())) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + key
                    + "' was used for a different request (job " + existing.get().getId() + ")");
        }
        return Optional.of(new Created(view(existing.get()), true));
    }

    public void discardUploads(UUID jobId) {
        try {
            blobs.deletePrefix(BlobKeys.jobPrefix(jobId));
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete uploads of discarded job {}: {}", jobId, e.toString());
        }
    }

    /**
     * The call clients poll: one SQL read straight into the view, without a JPA session, entity and transaction
     * (Hibernate and Spring Data were about a quarter of the CPU samples of scripts/bench-latency.sh). Artifacts
     * are read only for SUCCEEDED jobs, as in {@link #view}.
     */
    public JobView get(TenantId tenant, UUID id) {
        return jdbc.sql("select " + JobView.COLUMNS + " from jobs where id = :id and tenant_id = :tenant")
                .param("id", id).param("tenant", tenant.value())
                .query((rs, n) -> JobView.of(rs, List.of(), mapper)).optional()
                .map(v -> v.state() != JobState.SUCCEEDED ? v : v.withArtifacts(artifacts
                        .findPublished(id, tenant.value()).stream().map(ArtifactView::of).toList()))
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "no job " + id));
    }

    public Optional<JobView> find(UUID id) {
        return jobs.findById(id).map(this::view);
    }

    private Job find(TenantId tenant, UUID id) {
        return jobs.findByIdAndTenantId(id, tenant.value())
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "no job " + id));
    }

    public JobPage list(TenantId tenant, String state, Integer limit, String cursor) {
        int size = limit == null ? props.defaultPageSize() : limit;
        if (size < 1 || size > props.maxPageSize()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "limit must be between 1 and " + props.maxPageSize());
        }
        PageCursor from = PageCursor.decode(cursor);
        List<Job> page;
        if (state == null || state.isBlank()) {
            page = jobs.page(tenant.value(), from.createdAt(), from.id(), Limit.of(size + 1));
        } else {
            JobState s;
            try {
                s = JobState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "state must be one of "
                        + List.of(JobState.values()));
            }
            page = jobs.pageInState(tenant.value(), s, from.createdAt(), from.id(), Limit.of(size + 1));
        }
        boolean more = page.size() > size;
        List<Job> items = more ? page.subList(0, size) : page;
        String next = more ? new PageCursor(items.getLast().getCreatedAt(), items.getLast().getId()).encode() : null;
        return new JobPage(items.stream().map(this::view).toList(), next);
    }

    /** QUEUED: CANCELED now. RUNNING: the worker is told at its next heartbeat. Finished: 409 (CANCELED: no-op). */
    public JobView cancel(TenantId tenant, UUID id) {
        Optional<String> after = queue.requestCancel(id, tenant.value());
        Job job = find(tenant, id);
        if (after.isEmpty() && job.getState() != JobState.CANCELED) {
            throw new ApiException(ProblemType.JOB_FINISHED, "job " + id + " already " + job.getState());
        }
        events.publishEvent(new JobChanged(id));
        return view(job);
    }

    JobView view(Job j) {
        List<ArtifactView> arts = j.getState() == JobState.SUCCEEDED
                ? artifacts.findPublished(j.getId(), j.getTenantId()).stream().map(ArtifactView::of).toList()
                : List.of();
        return JobView.of(j, arts, mapper);
    }
}
