-- Fencing tokens: every claim (first lease or re-lease) takes the next value, so only the newest lease is valid.
create sequence lease_tokens as bigint;

create table jobs (
    id                uuid primary key,
    tenant_id         uuid        not null references tenants (id) on delete cascade,
    type              text        not null,
    state             text        not null check (state in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED')),
    priority          int         not null default 0,
    params            jsonb       not null default '{}',
    input_count       int         not null default 0,
    idempotency_key   text,
    request_hash      text,
    attempt           int         not null default 0,
    max_attempts      int         not null,
    lease_token       bigint,
    lease_seconds     int,
    lease_expires_at  timestamptz,
    worker_id         text,
    cancel_requested  boolean     not null default false,
    stage             text,
    progress          double precision not null default 0,
    eta_seconds       double precision,
    message           text,
    error_type        text,
    error_title       text,
    error_detail      text,
    metrics           jsonb,
    published_attempt int,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    started_at        timestamptz,
    finished_at       timestamptz,
    unique (tenant_id, idempotency_key)
);

-- The claim query walks this partial index: oldest highest-priority QUEUED job first.
create index jobs_queued on jobs (priority desc, created_at, id) where state = 'QUEUED';
-- The lease sweeper looks only at RUNNING jobs.
create index jobs_running_lease on jobs (lease_expires_at) where state = 'RUNNING';
-- Cursor pagination, newest first, per tenant.
create index jobs_tenant_created on jobs (tenant_id, created_at desc, id desc);

create table job_inputs (
    job_id     uuid   not null references jobs (id) on delete cascade,
    name       text   not null,
    size       bigint not null,
    sha256     text   not null,
    media_type text   not null,
    blob_key   text   not null,
    primary key (job_id, name)
);
