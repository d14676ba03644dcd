package dev.forge3d.api.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The webhook_messages outbox (V8): rows are made by the jobs trigger in the transaction that changes a job's
 * state; this class claims due rows, fixes their payload, records each attempt's outcome and reads the log.
 */
@Component
public class WebhookOutbox {
    private final JdbcClient jdbc;

    public WebhookOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A message claimed for attempt number {@code attempt}. */
    public record Claimed(String id, UUID tenantId, UUID jobId, String url, String eventType, String payload,
            int attempt, Instant createdAt) {}

    /**
     * Claims up to {@code limit} due messages in one statement: SKIP LOCKED so replicas never take the same row,
     * the attempt counted and logged as started, and next_attempt_at pushed {@code claimTimeout} ahead, so the row
     * is due again only if this replica dies before it records the outcome. The POST happens after the commit,
     * outside any transaction.
     */
    public List<Claimed> claim(int limit, Duration claimTimeout) {
        return jdbc.sql("""
                with due as (
                    select id from webhook_messages
                     where state = 'pending' and next_attempt_at <= now()
                     order by next_attempt_at
                     limit :limit
                     for update skip locked),
                claimed as (
                    update webhook_messages m
                       set attempts = m.attempts + 1,
                           next_attempt_at = now() + make_interval(secs => :claimSeconds)
                      from due
                     where m.id = due.id
                 returning m.id, m.tenant_id, m.job_id, m.url, m.event_type, m.payload, m.attempts, m.created_at),
                logged as (
                    insert into webhook_attempts (message_id, attempt, started_at)
                    select id, attempts, now() from claimed)
                select * from claimed""")
                .param("limit", limit).param("claimSeconds", claimTimeout.toMillis() / 1000.0)
                .query((rs, n) -> new Claimed(rs.getString("id"), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("job_id", UUID.class), rs.getString("url"), rs.getString("event_type"),
                        rs.getString("payload"), rs.getInt("attempts"), instant(rs, "created_at")))
                .list();
    }

    /** Stores the payload unless one is stored already, and returns the stored one: every retry sends the same. */
    public String fixPayload(String id, String payload) {
        return jdbc.sql("update webhook_messages set payload = coalesce(payload, :payload) where id = :id "
                        + "returning payload")
                .param("payload", payload).param("id", id).query(String.class).optional().orElse(payload);
    }

    /**
     * A 2xx answer: delivered, whichever attempt got it (a claim that ran out may still succeed late; the newer
     * attempt's outcome then changes nothing).
     */
    public void delivered(String id, int attempt, int status) {
        jdbc.sql("""
                with m as (
                    update webhook_messages
                       set state = 'delivered', delivered_at = now(), last_status = :status, last_error = null
                     where id = :id and state = 'pending'
                 returning id)
                update webhook_attempts set finished_at = now(), status_code = :status
                 where message_id = :id and attempt = :attempt""")
                .param("status", status).param("id", id).param("attempt", attempt).update();
    }

    /**
     * An attempt that got a non-2xx status or none (fenced on the attempt number: only the newest claim
     * reschedules) ({@code status} null, {@code error} says why): due again at
     * {@code nextAttemptAt}, or failed for good when that is null.
     */
    public void attemptFailed(String id, int attempt, Integer status, String error, Instant nextAttemptAt) {
        jdbc.sql("""
                with m as (
                    update webhook_messages
                       set state = case when cast(:next as timestamptz) is null then 'failed' else 'pending' end,
                           next_attempt_at = coalesce(cast(:next as timestamptz), next_attempt_at),
                           last_status = :status, last_error = :error
                     where id = :id and attempts = :attempt and state = 'pending'
                 returning id)
                update webhook_attempts set finished_at = now(), status_code = :status, error = :error
                 where message_id = :id and attempt = :attempt""")
                .param("next", nextAttemptAt == null ? null : OffsetDateTime.ofInstant(nextAttemptAt,
                        java.time.ZoneOffset.UTC))
                .param("status", status).param("error", error).param("id", id).param("attempt", attempt).update();
    }

    public record Attempt(int attempt, Instant startedAt, Instant finishedAt, Integer statusCode, String error) {}

    /** A message and its attempts, as GET /v1/jobs/{id}/deliveries shows them (schema WebhookDelivery). */
    public record Delivery(String id, String event, String url, UUID endpointId, String state, Instant createdAt,
            Instant deliveredAt, Instant nextAttemptAt, Integer lastStatus, String lastError, List<Attempt> attempts) {}

    public List<Delivery> deliveries(UUID jobId) {
        Map<String, Delivery> byId = new LinkedHashMap<>();
        jdbc.sql("""
                select id, event_type, url, endpoint_id, state, created_at, delivered_at,
                       case when state = 'pending' then next_attempt_at end as next_attempt_at, last_status, last_error
                  from webhook_messages where job_id = :job order by created_at, id""")
                .param("job", jobId)
                .query((rs, n) -> new Delivery(rs.getString("id"), rs.getString("event_type"), rs.getString("url"),
                        rs.getObject("endpoint_id", UUID.class), rs.getString("state"), instant(rs, "created_at"),
                        instant(rs, "delivered_at"), instant(rs, "next_attempt_at"),
                        rs.getObject("last_status", Integer.class), rs.getString("last_error"), new ArrayList<>()))
                .list().forEach(d -> byId.put(d.id(), d));
        if (byId.isEmpty()) return List.of();
        jdbc.sql("""
                select a.message_id, a.attempt, a.started_at, a.finished_at, a.status_code, a.error
                  from webhook_attempts a join webhook_messages m on m.id = a.message_id
                 where m.job_id = :job order by a.message_id, a.attempt""")
                .param("job", jobId)
                .query((rs, n) -> {
                    byId.get(rs.getString("message_id")).attempts().add(new Attempt(rs.getInt("attempt"),
                            instant(rs, "started_at"), instant(rs, "finished_at"),
                            rs.getObject("status_code", Integer.class), rs.getString("error")));
                    return null;
                }).list();
        return List.copyOf(byId.values());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
