package dev.forge3d.api.shares;

import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A tenant's share links: create ({@code POST /v1/jobs/{id}/shares}), list, revoke by id or by token. */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class ShareController {
    private static final int MAX_BODY_BYTES = 1024;

    private final ShareLinks shares;
    private final ShareProperties props;
    private final ObjectMapper mapper;

    public ShareController(ShareLinks shares, ShareProperties props, ObjectMapper mapper) {
        this.shares = shares;
        this.props = props;
        this.mapper = mapper;
    }

    public record CreatedShare(UUID id, String token, String url, Instant createdAt, Instant expiresAt) {}

    public record ShareView(UUID id, Instant createdAt, Instant expiresAt, boolean expired) {}

    public record ShareList(List<ShareView> items) {}

    /** Body optional: {@code {"expiresIn": seconds}} (default {@code forge3d.shares.default-expires-in}). */
    @PostMapping("/v1/jobs/{id}/shares")
    ResponseEntity<CreatedShare> create(TenantId tenant, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        UUID jobId = ArtifactController.parseJobId(id);
        long expiresIn = expiresIn(readBody(request));
        ShareLinks.Created c = shares.create(tenant, jobId, expiresIn);
        String url = ServletUriComponentsBuilder.fromContextPath(request).path("/s/" + c.token()).toUriString();
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create(url))
                .body(new CreatedShare(c.id(), c.token(), url, c.createdAt(), c.expiresAt()));
    }

    @GetMapping("/v1/jobs/{id}/shares")
    ShareList list(TenantId tenant, @PathVariable String id) {
        return new ShareList(shares.list(tenant, ArtifactController.parseJobId(id)).stream()
                .map(s -> new ShareView(s.id(), s.createdAt(), s.expiresAt(), s.expired())).toList());
    }

    @DeleteMapping("/v1/jobs/{id}/shares/{shareId}")
    ResponseEntity<Void> revoke(TenantId tenant, @PathVariable String id, @PathVariable String shareId) {
        UUID jobId = ArtifactController.parseJobId(id);
        UUID share;
        try {
            share = UUID.fromString(shareId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ProblemType.NOT_FOUND, "job " + jobId + " has no such share");
        }
        shares.revoke(tenant, jobId, share);
        return ResponseEntity.noContent().build();
    }

    /** Revokes a link by its token, for a tenant that kept the URL rather than the share's id. */
    @DeleteMapping("/v1/shares/{token}")
    ResponseEntity<Void> revokeByToken(TenantId tenant, @PathVariable String token) {
        shares.revokeByToken(tenant, token);
        return ResponseEntity.noContent().build();
    }

    private long expiresIn(JsonNode body) {
        long max = props.maxExpiresIn().toSeconds();
        if (body == null) return props.defaultExpiresIn().toSeconds();
        if (!body.isObject()) throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body must be a JSON object");
        for (String field : body.propertyNames()) {
            if (!field.equals("expiresIn")) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "unknown field '"
                        + (field.length() > 40 ? field.substring(0, 40) : field) + "'; a share takes only expiresIn");
            }
        }
        JsonNode e = body.get("expiresIn");
        if (e == null || e.isNull()) return props.defaultExpiresIn().toSeconds();
        String range = "expiresIn must be a whole number of seconds from " + ShareProperties.MIN_EXPIRES_IN_SECONDS
                + " to " + max;
        if (!e.isIntegralNumber() || !e.canConvertToLong()) throw new ApiException(ProblemType.INVALID_PARAMETER, range);
        long seconds = e.asLong();
        if (seconds < ShareProperties.MIN_EXPIRES_IN_SECONDS || seconds > max) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, range);
        }
        return seconds;
    }

    /** The JSON body, or null when there is none; at most 1 KiB. */
    private JsonNode readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "a share's body is at most " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "a share's body is at most " + MAX_BODY_BYTES + " bytes");
        }
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return null;
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        try {
            return mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
