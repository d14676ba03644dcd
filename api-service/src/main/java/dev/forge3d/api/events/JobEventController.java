package dev.forge3d.api.events;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.jobs.JobService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /v1/jobs/{id}/events}: the job as server-sent events until it finishes. */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class JobEventController {
    private final JobService jobs;
    private final JobEventStreams streams;

    public JobEventController(JobService jobs, JobEventStreams streams) {
        this.jobs = jobs;
        this.streams = streams;
    }

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(TenantId tenant, @PathVariable String id) {
        return streams.open(jobs.get(tenant, ArtifactController.parseJobId(id)));
    }
}
