package dev.forge3d.api.shares;

import dev.forge3d.api.auth.ShareGrant;
import dev.forge3d.api.auth.ShareLinkResolver;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Share links of jobs: created, listed and revoked by the job's tenant; resolved from their token for
 * {@code /s/{token}/...}. A token is 256 random bits (SecureRandom), handed out once; only its SHA-256 is stored.
 */
@Service
public class ShareLinks implements ShareLinkResolver {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 bytes in unpadded base64url. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    public record Created(UUID id, String token, Instant createdAt, Instant expiresAt) {}

    public record Listed(UUID id, Instant createdAt, Instant expiresAt, boolean expired) {}

    private final JdbcClient jdbc;

    public ShareLinks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Created create(TenantId tenant, UUID jobId, long expiresInSeconds) {
        requireJob(tenant, jobId);
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        UUID id = UUID.randomUUID();
        // Expired links of this job are dropped here rather than by a sweeper of their own.
        jdbc.sql("delete from job_shares where job_id = :job and expires_at <= now()").param("job", jobId).update();
        var row = jdbc.sql("""
                insert into job_shares (id, job_id, tenant_id, token_sha256, expires_at)
                select :id, j.id, j.tenant_id, :hash, now() + make_interval(secs => :secs)
                  from jobs j where j.id = :job and j.tenant_id = :tenant
                returning created_at, expires_at""")
                .param("id", id).param("job", jobId).param("tenant", tenant.value()).param("hash", sha256(token))
                .param("secs", (double) expiresInSeconds)
                .query((rs, n) -> new Instant[] {instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("expires_at", OffsetDateTime.class))})
                .optional().orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "no job " + jobId));
        return new Created(id, token, row[0], row[1]);
    }

    public List<Listed> list(TenantId tenant, UUID jobId) {
        requireJob(tenant, jobId);
        return jdbc.sql("""
                select id, created_at, expires_at, expires_at <= now() as expired from job_shares
                 where job_id = :job and tenant_id = :tenant order by created_at desc, id""")
                .param("job", jobId).param("tenant", tenant.value())
                .query((rs, n) -> new Listed(rs.getObject("id", UUID.class),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("expires_at", OffsetDateTime.class)), rs.getBoolean("expired")))
                .list();
    }

    public void revoke(TenantId tenant, UUID jobId, UUID shareId) {
        int n = jdbc.sql("delete from job_shares where id = :id and job_id = :job and tenant_id = :tenant")
                .param("id", shareId).param("job", jobId).param("tenant", tenant.value()).update();
        if (n == 0) throw new ApiException(ProblemType.NOT_FOUND, "job " + jobId + " has no share " + shareId);
    }

    public void revokeByToken(TenantId tenant, String token) {
        int n = !TOKEN.matcher(token).matches() ? 0
                : jdbc.sql("delete from job_shares where token_sha256 = :hash and tenant_id = :tenant")
                        .param("hash", sha256(token)).param("tenant", tenant.value()).update();
        if (n == 0) throw new ApiException(ProblemType.NOT_FOUND, "no such share link");
    }

    @Override
    public Optional<ShareGrant> resolve(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) return Optional.empty();
        return jdbc.sql("""
                select s.id, s.job_id, s.tenant_id from job_shares s
                  join jobs j on j.id = s.job_id and j.tenant_id = s.tenant_id
                 where s.token_sha256 = :hash and s.expires_at > now()""")
                .param("hash", sha256(token))
                .query((rs, n) -> new ShareGrant(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                        rs.getObject("tenant_id", UUID.class), token))
                .optional();
    }

    private void requireJob(TenantId tenant, UUID jobId) {
        boolean owned = jdbc.sql("select count(*) from jobs where id = :id and tenant_id = :tenant")
                .param("id", jobId).param("tenant", tenant.value()).query(Long.class).single() > 0;
        if (!owned) throw new ApiException(ProblemType.NOT_FOUND, "no job " + jobId);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
