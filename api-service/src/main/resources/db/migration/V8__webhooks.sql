-- Webhooks (docs/api.md "Webhooks"): signing secrets, tenant endpoints, and an outbox of messages filled by a
-- trigger in the same transaction as the job's state change, so a crash between the change and the POST loses
-- nothing; a dispatcher on every API replica claims due messages with SKIP LOCKED and logs each attempt.

-- A job's own callback URL (text-to-3d JSON field or photo-job form field); checked at submission and delivery.
alter table jobs add column callback_url text;

-- The HMAC-SHA256 key of each tenant (the bytes after 'whsec_', base64-decoded). It has to be readable to sign,
-- so it is stored as is; it is shown once, when POST /v1/webhook-secrets creates or rotates it, and never logged.
-- After a rotation the previous key also signs (a second v1 signature) until previous_valid_until.
create table webhook_secrets (
    tenant_id            uuid        primary key references tenants (id) on delete cascade,
    secret               bytea       not null,
    previous_secret      bytea,
    previous_valid_until timestamptz,
    created_at           timestamptz not null
);

-- Endpoints a tenant registers for all of its jobs (in addition to a job's callback_url).
create table webhook_endpoints (
    id         uuid        primary key,
    tenant_id  uuid        not null references tenants (id) on delete cascade,
    url        text        not null,
    events     text[]      not null,
    created_at timestamptz not null
);
create index webhook_endpoints_tenant on webhook_endpoints (tenant_id);

-- The outbox: one row per event and target. id is the webhook-id header, the same on every retry. payload is
-- fixed at the first attempt (the job JSON of a terminal job) or by the trigger (stage events), so every retry
-- signs and sends the same bytes. next_attempt_at doubles as the claim: a dispatcher pushes it forward by the
-- claim timeout before it POSTs, so a replica that dies mid-POST leaves the row due again afterwards.
create table webhook_messages (
    id              text        primary key,
    tenant_id       uuid        not null,
    job_id          uuid        not null references jobs (id) on delete cascade,
    endpoint_id     uuid,
    url             text        not null,
    event_type      text        not null,
    payload         text,
    state           text        not null check (state in ('pending', 'delivered', 'failed')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    last_status     int,
    last_error      text
);
create index webhook_messages_due on webhook_messages (next_attempt_at) where state = 'pending';
create index webhook_messages_job on webhook_messages (job_id, created_at);

-- The delivery log: a row per attempt, written when the attempt is claimed (finished_at null until it ends, and
-- for ever when the API died during it).
create table webhook_attempts (
    message_id  text        not null references webhook_messages (id) on delete cascade,
    attempt     int         not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status_code int,
    error       text,
    primary key (message_id, attempt)
);

-- Every path that ends a job (complete, fail, cancel, lease expiry, a QUEUED cancel) is an UPDATE of jobs.state;
-- this trigger makes the outbox rows in that same statement, so no code path can change the state without them.
-- Jobs without a callback URL whose tenant has no endpoint cost one index probe (the WHEN clause skips the
-- other updates: claims, heartbeats without a stage change, retries).
create function webhook_enqueue() returns trigger language plpgsql as $$
declare
    event text;
    body  text;
begin
    if new.state is distinct from old.state then
        event := 'job.' || lower(new.state);
    else
        event := 'job.stage_changed';
    end if;
    if (event = 'job.stage_changed' or new.callback_url is null)
       and not exists (select 1 from webhook_endpoints e where e.tenant_id = new.tenant_id) then
        return null;
    end if;
    if event = 'job.stage_changed' then
        -- a stage event's snapshot is taken now: by the time it is sent the job may be in another stage
        body := json_build_object('type', event,
                'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'data', json_build_object('id', new.id, 'type', new.type, 'state', new.state, 'stage', new.stage,
                        'progress', new.progress, 'attempt', new.attempt))::text;
    else
        body := null; -- the job JSON, rendered by the dispatcher at the first attempt (the job no longer changes)
        if new.callback_url is not null then
            insert into webhook_messages (id, tenant_id, job_id, endpoint_id, url, event_type, payload, state,
                                          next_attempt_at, created_at)
            values ('msg_' || replace(gen_random_uuid()::text, '-', ''), new.tenant_id, new.id, null,
                    new.callback_url, event, null, 'pending', now(), now());
        end if;
    end if;
    insert into webhook_messages (id, tenant_id, job_id, endpoint_id, url, event_type, payload, state,
                                  next_attempt_at, created_at)
    select 'msg_' || replace(gen_random_uuid()::text, '-', ''), new.tenant_id, new.id, e.id, e.url, event, body,
           'pending', now(), now()
      from webhook_endpoints e
     where e.tenant_id = new.tenant_id and event = any (e.events);
    return null;
end
$$;

create trigger jobs_webhooks after update of state, stage on jobs
    for each row
    when ((new.state is distinct from old.state and new.state in ('SUCCEEDED', 'FAILED', 'CANCELED'))
          or (new.stage is distinct from old.stage and new.stage is not null and new.state = 'RUNNING'))
    execute function webhook_enqueue();
