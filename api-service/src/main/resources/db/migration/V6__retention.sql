-- Retention: finished jobs older than this many days are deleted (with their blobs) by the cleanup sweeper.
-- NULL: the global default forge3d.retention.default-days applies (0 or unset there: kept forever).
alter table tenants add column retention_days int check (retention_days is null or retention_days > 0);

-- The sweeper looks for finished jobs by age.
create index jobs_finished_at on jobs (finished_at) where finished_at is not null;

-- Checkpoints get a row (like artifacts) so recording one is fenced: the row is written in the transaction that
-- re-checks the worker's lease. One row per (job, name); each upload has its own blob key, the row names the
-- current one. Checkpoints outlive attempts and are removed when the job finishes (sweeper) or is deleted.
create table checkpoints (
    job_id     uuid        not null references jobs (id) on delete cascade,
    name       text        not null,
    attempt    int         not null,
    size       bigint      not null,
    sha256     text        not null,
    blob_key   text        not null,
    created_at timestamptz not null default now(),
    primary key (job_id, name)
);
