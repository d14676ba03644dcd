package dev.forge3d.api.webhooks;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Each tenant's signing secret. Creating one again rotates it: the new key signs from then on, and the previous
 * one also signs (a second signature in the same header) for {@code forge3d.webhooks.previous-secret-grace}, so
 * receivers can switch keys without rejecting deliveries in between. Secrets are never logged.
 */
@Service
public class WebhookSecrets {
    /** 32 random bytes (the spec asks for 24 to 64). */
    private static final int KEY_BYTES = 32;

    private final JdbcClient jdbc;
    private final WebhookProperties props;
    private final SecureRandom random = new SecureRandom();

    public WebhookSecrets(JdbcClient jdbc, WebhookProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /** What POST /v1/webhook-secrets answers: the secret, shown this once. */
    public record Created(String secret, Instant createdAt, Instant previousSecretValidUntil) {}

    public Created createOrRotate(UUID tenant) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return jdbc.sql("""
                insert into webhook_secrets (tenant_id, secret, created_at) values (:tenant, :key, now())
                on conflict (tenant_id) do update
                   set previous_secret = webhook_secrets.secret,
                       previous_valid_until = now() + make_interval(secs => :graceSeconds),
                       secret = excluded.secret, created_at = excluded.created_at
                returning created_at, previous_valid_until""")
                .param("tenant", tenant).param("key", key)
                .param("graceSeconds", props.previousSecretGrace().toSeconds())
                .query((rs, n) -> new Created(WebhookSigner.encodeSecret(key),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("previous_valid_until", OffsetDateTime.class) == null ? null
                                : rs.getObject("previous_valid_until", OffsetDateTime.class).toInstant()))
                .single();
    }

    public boolean exists(UUID tenant) {
        return jdbc.sql("select 1 from webhook_secrets where tenant_id = :tenant").param("tenant", tenant)
                .query(Integer.class).optional().isPresent();
    }

    /** The keys that sign a delivery now: the current one, then the previous one while it is still valid. */
    public List<byte[]> signingKeys(UUID tenant) {
        return jdbc.sql("""
                select secret, case when previous_valid_until > now() then previous_secret end as previous
                  from webhook_secrets where tenant_id = :tenant""")
                .param("tenant", tenant)
                .query((rs, n) -> {
                    List<byte[]> keys = new ArrayList<>(2);
                    keys.add(rs.getBytes("secret"));
                    byte[] previous = rs.getBytes("previous");
                    if (previous != null) keys.add(previous);
                    return keys;
                })
                .optional().orElse(List.of());
    }
}
