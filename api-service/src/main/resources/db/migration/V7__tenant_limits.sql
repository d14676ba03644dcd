-- Per-tenant overrides of the forge3d.limits.* defaults; a null column means "the default". Read by
-- TenantLimitsLookup with a short cache, and by the claim query (max_running_jobs).
create table tenant_limits (
    tenant_id           uuid        primary key references tenants (id) on delete cascade,
    requests_per_second bigint      check (requests_per_second > 0),
    burst               bigint      check (burst > 0),
    max_queued_jobs     int         check (max_queued_jobs >= 0),
    max_running_jobs    int         check (max_running_jobs >= 0),
    max_stored_bytes    bigint      check (max_stored_bytes >= 0),
    max_event_streams   int         check (max_event_streams >= 0),
    updated_at          timestamptz not null default now()
);

-- Bucket4j's PostgreSQL backend (PostgreSQLSelectForUpdateBasedProxyManager, Bucket4j's documented layout with the
-- expiry column): one row per request-rate bucket, shared by every API replica. id is "<tenant uuid>:<rate>:<burst>",
-- state the serialized bucket, expires_at (epoch ms) when a full bucket may be dropped (ExpiredBucketSweeper).
create table rate_limit_buckets (
    id         text   primary key,
    state      bytea,
    expires_at bigint
);
create index rate_limit_buckets_expires on rate_limit_buckets (expires_at);

-- The claim query counts a tenant's RUNNING jobs to keep it within max_running_jobs; job creation counts QUEUED.
create index jobs_tenant_active on jobs (tenant_id, state) where state in ('QUEUED', 'RUNNING');
