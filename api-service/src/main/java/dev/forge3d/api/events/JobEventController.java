package dev.forge3d.api.events;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.jobs.JobService;
import dev.forge3d.api.limits.EventStreamSlots;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/jobs/{id}/events}: the job as server-sent events until it finishes. Takes the API key, or (for a
 * browser's EventSource, which sends no headers) a stream token of this job in {@code ?streamToken=}.
 */
@RestController
@RequiresCredential(value = CredentialKind.TENANT_KEY, alsoAccepts = CredentialKind.STREAM_TOKEN)
public class JobEventController {
    private final JobService jobs;
    private final JobEventStreams streams;
    private final EventStreamSlots slots;

    public JobEventController(JobService jobs, JobEventStreams streams, EventStreamSlots slots) {
        this.jobs = jobs;
        this.streams = streams;
        this.slots = slots;
    }

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(TenantId tenant, @PathVariable String id) {
        // A slot of the tenant's open-stream quota, given back whenever the stream ends.
        return slots.open(tenant.value(), () -> streams.open(jobs.get(tenant, ArtifactController.parseJobId(id))));
    }
}
