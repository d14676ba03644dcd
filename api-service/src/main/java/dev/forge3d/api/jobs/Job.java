package dev.forge3d.api.jobs;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.springframework.data.domain.Persistable;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;

/**
 * A job row. Created and read through JPA; the queue's state transitions (claim, heartbeat, complete, fail,
 * expiry) are single fenced SQL statements in {@code dev.forge3d.api.queue.JobQueue}.
 */
@Entity
@Table(name = "jobs")
public class Job implements Persistable<UUID> {
    @Id
    private UUID id;
    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;
    @Column(nullable = false)
    private String type;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobState state;
    private int priority;
    @Column(columnDefinition = "jsonb", nullable = false)
    @ColumnTransformer(write = "?::jsonb")
    private String params;
    @Column(name = "input_count")
    private int inputCount;
    @Column(name = "idempotency_key")
    private String idempotencyKey;
    @Column(name = "request_hash")
    private String requestHash;
    private int attempt;
    @Column(name = "max_attempts")
    private int maxAttempts;
    @Column(name = "lease_token")
    private Long leaseToken;
    @Column(name = "lease_expires_at")
    private Instant leaseExpiresAt;
    @Column(name = "worker_id")
    private String workerId;
    @Column(name = "cancel_requested")
    private boolean cancelRequested;
    private String stage;
    private double progress;
    @Column(name = "eta_seconds")
    private Double etaSeconds;
    private String message;
    @Column(name = "error_type")
    private String errorType;
    @Column(name = "error_title")
    private String errorTitle;
    @Column(name = "error_detail")
    private String errorDetail;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String metrics;
    @Column(name = "published_attempt")
    private Integer publishedAttempt;
    @Column(name = "min_memory_bytes")
    private long minMemoryBytes;
    @Column(name = "requires_gpu")
    private boolean requiresGpu;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Column(name = "started_at")
    private Instant startedAt;
    @Column(name = "finished_at")
    private Instant finishedAt;
    @Column(name = "callback_url")
    private String callbackUrl;
    /** W3C traceparent of the creating request (V12); the worker gets it with the lease. */
    @Column(name = "trace_parent")
    private String traceParent;

    /** Ids are assigned by the API, so tell Spring Data a new job is new (insert, not select-then-merge). */
    @Transient
    private boolean isNew = true;

    protected Job() {}

    @Override
    public boolean isNew() { return isNew; }

    /** Keeps the trace context of the request creating the job (set before the insert). */
    public void setTraceParent(String traceParent) { this.traceParent = traceParent; }

    public String getTraceParent() { return traceParent; }

    @PostLoad
    @PostPersist
    void markNotNew() { isNew = false; }

    public Job(UUID id, UUID tenantId, String type, int priority, String paramsJson, int inputCount,
            String idempotencyKey, String requestHash, int maxAttempts, JobRequirements requirements, Instant now,
            String callbackUrl) {
        this.id = id;
        this.tenantId = tenantId;
        this.type = type;
        this.state = JobState.QUEUED;
        this.priority = priority;
        this.params = paramsJson;
        this.inputCount = inputCount;
        this.idempotencyKey = idempotencyKey;
        this.requestHash = requestHash;
        this.maxAttempts = maxAttempts;
        this.minMemoryBytes = requirements.minMemoryBytes();
        this.requiresGpu = requirements.requiresGpu();
        this.createdAt = now;
        this.updatedAt = now;
        this.callbackUrl = callbackUrl;
    }

    public UUID getId() { return id; }
    public UUID getTenantId() { return tenantId; }
    public String getType() { return type; }
    public JobState getState() { return state; }
    public int getPriority() { return priority; }
    public String getParams() { return params; }
    public int getInputCount() { return inputCount; }
    public String getIdempotencyKey() { return idempotencyKey; }
    public String getRequestHash() { return requestHash; }
    public int getAttempt() { return attempt; }
    public int getMaxAttempts() { return maxAttempts; }
    public Long getLeaseToken() { return leaseToken; }
    public Instant getLeaseExpiresAt() { return leaseExpiresAt; }
    public String getWorkerId() { return workerId; }
    public boolean isCancelRequested() { return cancelRequested; }
    public String getStage() { return stage; }
    public double getProgress() { return progress; }
    public Double getEtaSeconds() { return etaSeconds; }
    public String getMessage() { return message; }
    public String getErrorType() { return errorType; }
    public String getErrorTitle() { return errorTitle; }
    public String getErrorDetail() { return errorDetail; }
    public String getMetrics() { return metrics; }
    public Integer getPublishedAttempt() { return publishedAttempt; }
    public JobRequirements getRequirements() { return new JobRequirements(minMemoryBytes, requiresGpu); }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    public String getCallbackUrl() { return callbackUrl; }
}
