package dev.forge3d.api.events;

import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.StreamTokens;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.jobs.JobService;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/jobs/{id}/stream-tokens}: a short-lived signed token that opens this job's event stream from a
 * browser's {@code EventSource} ({@code /v1/jobs/{id}/events?streamToken=...}), which cannot send the API key.
 */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class StreamTokenController {
    private final JobService jobs;
    private final StreamTokens tokens;

    public StreamTokenController(JobService jobs, StreamTokens tokens) {
        this.jobs = jobs;
        this.tokens = tokens;
    }

    public record StreamToken(String token, Instant expiresAt, String eventsUrl) {}

    @PostMapping("/v1/jobs/{id}/stream-tokens")
    ResponseEntity<StreamToken> issue(TenantId tenant, @PathVariable String id) {
        UUID jobId = ArtifactController.parseJobId(id);
        jobs.get(tenant, jobId); // 404 unless the tenant's job
        StreamTokens.Issued t = tokens.issue(jobId, tenant.value());
        return ResponseEntity.status(HttpStatus.CREATED).body(new StreamToken(t.token(), t.expiresAt(),
                "/v1/jobs/" + jobId + "/events?" + StreamTokens.QUERY_PARAMETER + "=" + t.token()));
    }
}
