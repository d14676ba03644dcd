-- Share links: read-only access to one job through /s/{token}. Only the SHA-256 of a token is stored, so a copy of
-- the database does not open any link. Revoking deletes the row; deleting the job deletes its links (cascade).
create table job_shares (
    id           uuid        primary key,
    job_id       uuid        not null references jobs (id) on delete cascade,
    tenant_id    uuid        not null references tenants (id) on delete cascade,
    token_sha256 bytea       not null unique check (octet_length(token_sha256) = 32),
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);

create index job_shares_job on job_shares (job_id);
create index job_shares_expires_at on job_shares (expires_at);
