package dev.forge3d.api.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Short-lived tokens that open one job's event stream from a browser's {@code EventSource}, which cannot send an
 * Authorization header: {@code base64url(job id, tenant id, expiry) "." base64url(HMAC-SHA256)}. Nothing is stored;
 * the signature binds the token to its job, tenant and expiry, and {@link CredentialCheck} accepts it only on the
 * events route of that job (query parameter {@code streamToken}). It is checked when the stream opens; an open
 * stream runs to its end.
 */
@Component
public class StreamTokens {
    public static final String QUERY_PARAMETER = "streamToken";
    /** The token as presented in the query, kept by {@link AuthFilter} for {@link CredentialCheck}. */
    static final String PRESENTED_ATTRIBUTE = StreamTokens.class.getName() + ".presented";
    private static final int PAYLOAD_BYTES = 16 + 16 + 8;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public record Issued(String token, Instant expiresAt) {}

    private final SecretKeySpec key;
    private final StreamTokenProperties props;
    private final Clock clock;

    @Autowired
    public StreamTokens(StreamTokenProperties props, WorkerProperties workers) {
        this(props, workers, Clock.systemUTC());
    }

    StreamTokens(StreamTokenProperties props, WorkerProperties workers, Clock clock) {
        this.props = props;
        this.clock = clock;
        this.key = new SecretKeySpec(secret(props, workers), "HmacSHA256");
    }

    public Issued issue(UUID jobId, UUID tenantId) {
        Instant expires = clock.instant().plus(props.ttl());
        ByteBuffer b = ByteBuffer.allocate(PAYLOAD_BYTES);
        b.putLong(jobId.getMostSignificantBits()).putLong(jobId.getLeastSignificantBits());
        b.putLong(tenantId.getMostSignificantBits()).putLong(tenantId.getLeastSignificantBits());
        b.putLong(expires.getEpochSecond());
        byte[] payload = b.array();
        return new Issued(B64.encodeToString(payload) + "." + B64.encodeToString(mac(payload)), expires);
    }

    /** The tenant of the job, when the token is well formed, correctly signed, unexpired and for this job. */
    public Optional<UUID> verify(String token, UUID jobId) {
        if (token == null || token.length() > 200) return Optional.empty();
        int dot = token.indexOf('.');
        if (dot < 0) return Optional.empty();
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (payload.length != PAYLOAD_BYTES || !MessageDigest.isEqual(signature, mac(payload))) return Optional.empty();
        ByteBuffer b = ByteBuffer.wrap(payload);
        UUID job = new UUID(b.getLong(), b.getLong());
        UUID tenant = new UUID(b.getLong(), b.getLong());
        long expires = b.getLong();
        if (!job.equals(jobId) || clock.instant().getEpochSecond() >= expires) return Optional.empty();
        return Optional.of(tenant);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] secret(StreamTokenProperties props, WorkerProperties workers) {
        if (props.secret() != null && !props.secret().isBlank()) {
            return props.secret().getBytes(StandardCharsets.UTF_8);
        }
        if (workers.token() != null && !workers.token().isBlank()) {
            try {
                // A key of its own, derived so that it reveals nothing of the worker token.
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(workers.token().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return mac.doFinal("forge3d stream tokens v1".getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }
}
