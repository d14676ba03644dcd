package dev.forge3d.api.artifacts;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lists and downloads a job's published artifacts. Another tenant's job is 404, exactly like a missing one. */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class ArtifactController {
    private final ArtifactRepository artifacts;
    private final BlobStore blobs;
    private final JdbcClient jdbc;

    public ArtifactController(ArtifactRepository artifacts, BlobStore blobs, JdbcClient jdbc) {
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.jdbc = jdbc;
    }

    public record ArtifactView(String name, long size, String mediaType, String sha256, String href) {
        public static ArtifactView of(Artifact a) {
            return new ArtifactView(a.getName(), a.getSize(), a.getMediaType(), a.getSha256(),
                    "/v1/jobs/" + a.getJobId() + "/artifacts/" + a.getName());
        }
    }

    public record ArtifactList(List<ArtifactView> items) {}

    @GetMapping("/v1/jobs/{id}/artifacts")
    ArtifactList list(TenantId tenant, @PathVariable String id) {
        UUID jobId = ownedJob(tenant, id);
        return new ArtifactList(artifacts.findPublished(jobId, tenant.value()).stream().map(ArtifactView::of).toList());
    }

    @GetMapping("/v1/jobs/{id}/artifacts/{*name}")
    void download(TenantId tenant, @PathVariable String id, @PathVariable String name,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        UUID jobId = ownedJob(tenant, id);
        send(jobId, tenant, id, name.startsWith("/") ? name.substring(1) : name, range, response);
    }

    /**
     * The same download with the name in the query: generated clients percent-encode a '/' in a path parameter,
     * which the API refuses before routing (CanonicalPathFilter); a query parameter is decoded, so every name works.
     */
    @GetMapping("/v1/jobs/{id}/artifact")
    void downloadByName(TenantId tenant, @PathVariable String id,
            @RequestParam(value = "name", required = false) String name,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range, HttpServletResponse response)
            throws IOException {
        UUID jobId = ownedJob(tenant, id);
        send(jobId, tenant, id, queriedName(name), range, response);
    }

    /** The artifact name of a {@code ?name=} query: present, and a name the API could have handed out. */
    public static String queriedName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "name the artifact: ?name=cameras/images.txt");
        }
        return ArtifactNames.require(name);
    }

    private void send(UUID jobId, TenantId tenant, String id, String clean, String range, HttpServletResponse response)
            throws IOException {
        Artifact a = artifacts.findPublished(jobId, tenant.value(), clean)
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "job " + id + " has no artifact " + clean));
        int slash = clean.lastIndexOf('/');
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"" + clean.substring(slash + 1) + "\"");
        RangeDownload.send(blobs, a.getBlobKey(), a.getSize(), a.getMediaType(), a.getSha256(), range, response);
    }

    private UUID ownedJob(TenantId tenant, String id) {
        UUID jobId = parseJobId(id);
        boolean owned = jdbc.sql("select count(*) from jobs where id = :id and tenant_id = :tenant")
                .param("id", jobId).param("tenant", tenant.value()).query(Long.class).single() > 0;
        if (!owned) throw new ApiException(ProblemType.NOT_FOUND, "no job " + id);
        return jobId;
    }

    public static UUID parseJobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ProblemType.NOT_FOUND, "no job " + (id.length() > 40 ? id.substring(0, 40) : id));
        }
    }
}
