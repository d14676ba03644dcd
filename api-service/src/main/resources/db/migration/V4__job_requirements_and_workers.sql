-- What a worker must offer to lease a job, fixed at creation (JobRequirements): the claim skips jobs whose
-- requirements the leasing worker's reported capabilities do not meet. Jobs created before this migration need
-- nothing (0 bytes, no GPU), as before.
alter table jobs
    add column min_memory_bytes bigint  not null default 0,
    add column requires_gpu     boolean not null default false;

-- The workers that asked for work, with what they reported last; lets the API say when no recently seen worker
-- can run a queued job. One row per worker id, refreshed by its lease requests.
create table workers (
    worker_id        text        primary key,
    backend          text        not null,
    memory_bytes     bigint,
    gpu              boolean     not null,
    job_types        text        not null,
    last_seen_at     timestamptz not null
);
