-- The W3C traceparent of the request that created the job (POST /v1/jobs): handed to the worker with every lease,
-- so the worker's log lines and its calls for the job join the creating request's trace.
alter table jobs add column trace_parent text;
