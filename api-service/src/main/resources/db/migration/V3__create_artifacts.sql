-- Artifacts are written per attempt; a job shows only the attempt named by jobs.published_attempt, which the
-- fenced complete sets in the same statement that makes the job SUCCEEDED (atomic publication).
create table artifacts (
    job_id     uuid        not null references jobs (id) on delete cascade,
    attempt    int         not null,
    name       text        not null,
    size       bigint      not null,
    sha256     text        not null,
    media_type text        not null,
    blob_key   text        not null,
    created_at timestamptz not null default now(),
    primary key (job_id, attempt, name)
);
