package dev.forge3d.api.shares;

import dev.forge3d.api.artifacts.Artifact;
import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.artifacts.ArtifactController.ArtifactList;
import dev.forge3d.api.artifacts.ArtifactController.ArtifactView;
import dev.forge3d.api.artifacts.ArtifactRepository;
import dev.forge3d.api.artifacts.RangeDownload;
import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.ShareGrant;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.events.JobEventStreams;
import dev.forge3d.api.jobs.JobService;
import dev.forge3d.api.jobs.JobView;
import dev.forge3d.api.limits.EventStreamSlots;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The read-only API of a share link: the job ({@code /s/{token}/job}), its events and its published artifacts,
 * nothing else. Links in the answers point under {@code /s/{token}}. The token is checked before any of these run
 * ({@code CredentialCheck}); an expired, revoked or unknown one, or one whose job was deleted, is 404.
 */
@RestController
@RequiresCredential(CredentialKind.SHARE_LINK)
public class SharedJobController {
    private final JobService jobs;
    private final JobEventStreams streams;
    private final EventStreamSlots slots;
    private final ArtifactRepository artifacts;
    private final BlobStore blobs;

    public SharedJobController(JobService jobs, JobEventStreams streams, EventStreamSlots slots,
            ArtifactRepository artifacts, BlobStore blobs) {
        this.jobs = jobs;
        this.streams = streams;
        this.slots = slots;
        this.artifacts = artifacts;
        this.blobs = blobs;
    }

    @GetMapping("/s/{token}/job")
    JobView job(ShareGrant grant, @PathVariable String token) {
        return view(grant);
    }

    @GetMapping(path = "/s/{token}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(ShareGrant grant, @PathVariable String token) {
        // Streams opened through a link count against the job's tenant, like its own.
        String base = grant.basePath();
        return slots.open(grant.tenantId(), () -> streams.open(view(grant), v -> v.sharedUnder(base)));
    }

    @GetMapping("/s/{token}/artifacts")
    ArtifactList list(ShareGrant grant, @PathVariable String token) {
        String base = grant.basePath();
        return new ArtifactList(artifacts.findPublished(grant.jobId(), grant.tenantId()).stream()
                .map(a -> new ArtifactView(a.getName(), a.getSize(), a.getMediaType(), a.getSha256(),
                        base + "/artifacts/" + a.getName()))
                .toList());
    }

    @GetMapping("/s/{token}/artifacts/{*name}")
    void download(ShareGrant grant, @PathVariable String token, @PathVariable String name,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        send(grant, name.startsWith("/") ? name.substring(1) : name, range, response);
    }

    /** The same with the name in the query, for generated clients (see ArtifactController#downloadByName). */
    @GetMapping("/s/{token}/artifact")
    void downloadByName(ShareGrant grant, @PathVariable String token,
            @RequestParam(value = "name", required = false) String name,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        send(grant, ArtifactController.queriedName(name), range, response);
    }

    private void send(ShareGrant grant, String clean, String range, HttpServletResponse response) throws IOException {
        Artifact a = artifacts.findPublished(grant.jobId(), grant.tenantId(), clean)
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "the shared job has no artifact " + clean));
        int slash = clean.lastIndexOf('/');
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + clean.substring(slash + 1) + "\"");
        response.setHeader("Referrer-Policy", "no-referrer");
        RangeDownload.send(blobs, a.getBlobKey(), a.getSize(), a.getMediaType(), a.getSha256(), range, response);
    }

    private JobView view(ShareGrant grant) {
        return jobs.get(new TenantId(grant.tenantId()), grant.jobId()).sharedUnder(grant.basePath());
    }
}
