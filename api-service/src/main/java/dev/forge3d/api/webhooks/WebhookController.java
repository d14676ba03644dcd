package dev.forge3d.api.webhooks;

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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Webhook secrets, endpoints and a job's delivery log (docs/api.md "Webhooks"). */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class WebhookController {
    private static final int MAX_BODY_BYTES = 16384;

    private final WebhookSecrets secrets;
    private final WebhookEndpoints endpoints;
    private final CallbackUrls callbackUrls;
    private final WebhookOutbox outbox;
    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    public WebhookController(WebhookSecrets secrets, WebhookEndpoints endpoints, CallbackUrls callbackUrls,
            WebhookOutbox outbox, JdbcClient jdbc, ObjectMapper mapper) {
        this.secrets = secrets;
        this.endpoints = endpoints;
        this.callbackUrls = callbackUrls;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** Creates the tenant's signing secret, or rotates it; the only time the secret is shown. */
    @PostMapping("/v1/webhook-secrets")
    ResponseEntity<WebhookSecrets.Created> createSecret(TenantId tenant) {
        return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store")
                .body(secrets.createOrRotate(tenant.value()));
    }

    @PostMapping(path = "/v1/webhook-endpoints", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<WebhookEndpoints.Endpoint> createEndpoint(TenantId tenant, HttpServletRequest request)
            throws IOException {
        JsonNode body = readObject(request);
        for (String name : body.propertyNames()) {
            if (!name.equals("url") && !name.equals("events")) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "an endpoint takes 'url' and 'events', not '"
                        + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
            }
        }
        JsonNode url = body.get("url");
        if (url == null || !url.isString()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "'url' must be a string (an http or https URL)");
        }
        List<String> events = events(body.get("events"));
        String checked = callbackUrls.check(tenant.value(), "url", url.asString());
        WebhookEndpoints.Endpoint created = endpoints.create(tenant.value(), checked, events);
        return ResponseEntity.created(URI.create("/v1/webhook-endpoints/" + created.id())).body(created);
    }

    public record EndpointList(List<WebhookEndpoints.Endpoint> items) {}

    public record DeliveryList(List<WebhookOutbox.Delivery> items) {}

    @GetMapping("/v1/webhook-endpoints")
    EndpointList listEndpoints(TenantId tenant) {
        return new EndpointList(endpoints.list(tenant.value()));
    }

    @DeleteMapping("/v1/webhook-endpoints/{id}")
    ResponseEntity<Void> deleteEndpoint(TenantId tenant, @PathVariable String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ProblemType.NOT_FOUND, "no webhook endpoint "
                    + (id.length() > 40 ? id.substring(0, 40) : id));
        }
        endpoints.delete(tenant.value(), uuid);
        return ResponseEntity.noContent().build();
    }

    /** Every message for the job (its callbackUrl and the tenant's endpoints) with each attempt. */
    @GetMapping("/v1/jobs/{id}/deliveries")
    DeliveryList deliveries(TenantId tenant, @PathVariable String id) {
        UUID jobId = ArtifactController.parseJobId(id);
        boolean own = jdbc.sql("select 1 from jobs where id = :id and tenant_id = :tenant")
                .param("id", jobId).param("tenant", tenant.value()).query(Integer.class).optional().isPresent();
        if (!own) throw new ApiException(ProblemType.NOT_FOUND, "no job " + jobId);
        return new DeliveryList(outbox.deliveries(jobId));
    }

    private static List<String> events(JsonNode node) {
        if (node == null || node.isNull()) return WebhookEndpoints.TERMINAL_EVENTS;
        if (!node.isArray() || node.isEmpty()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "'events' must be a non-empty array of "
                    + WebhookEndpoints.EVENTS);
        }
        Set<String> events = new LinkedHashSet<>();
        for (JsonNode e : node) {
            if (!e.isString() || !WebhookEndpoints.EVENTS.contains(e.asString())) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "'events' may hold only "
                        + WebhookEndpoints.EVENTS);
            }
            events.add(e.asString());
        }
        return new ArrayList<>(events);
    }

    private JsonNode readObject(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "the JSON body is larger than " + MAX_BODY_BYTES
                    + " bytes");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "the JSON body is larger than " + MAX_BODY_BYTES
                    + " bytes");
        }
        JsonNode node;
        try {
            node = body.length == 0 ? null
                    : mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body must be a JSON object");
        }
        return node;
    }
}
