-- Tenants own jobs; API keys are stored as SHA-256 hashes of high-entropy random keys (never the key itself).
create table tenants (
    id         uuid primary key,
    name       text        not null unique,
    created_at timestamptz not null default now()
);

create table api_keys (
    id         uuid primary key,
    tenant_id  uuid        not null references tenants (id) on delete cascade,
    key_hash   text        not null unique,
    key_prefix text        not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index api_keys_tenant on api_keys (tenant_id);
