package dev.forge3d.api.jobs;

import dev.forge3d.api.logging.JobLogContextFilter;
import org.slf4j.MDC;
import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.artifacts.ArtifactController;
import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.cleanup.JobDeletion;
import dev.forge3d.api.uploads.UploadIngestor;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.webhooks.CallbackUrls;
import dev.forge3d.jobs.options.TextTo3dJobOptions;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** The public job API: create (multipart photos or JSON prompt), get, list, cancel, delete. */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class JobController {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobController.class);

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Where the job's terminal state is POSTed (docs/api.md "Webhooks"): a JSON field, or a form field. */
    static final String CALLBACK_URL = "callbackUrl";

    private final JobService jobs;
    private final JobDeletion deletion;
    private final UploadIngestor uploads;
    private final JobProperties props;
    private final ObjectMapper mapper;
    private final CallbackUrls callbackUrls;

    public JobController(JobService jobs, JobDeletion deletion, UploadIngestor uploads, JobProperties props,
            ObjectMapper mapper, CallbackUrls callbackUrls) {
        this.jobs = jobs;
        this.deletion = deletion;
        this.uploads = uploads;
        this.props = props;
        this.mapper = mapper;
        this.callbackUrls = callbackUrls;
    }

    /**
     * Photos as repeated {@code images} file parts or one {@code archive} zip, or one {@code video}; options as further
     * form fields.
     */
    @PostMapping(path = "/v1/jobs", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JobView> createMultipart(TenantId tenant,
            @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            HttpServletRequest request) throws IOException, ServletException {
        String key = checkIdempotencyKey(idempotencyKey);
        UUID jobId = UUID.randomUUID();
        MDC.put(JobLogContextFilter.JOB_ID, jobId.toString()); // the filter clears it after the request
        UploadIngestor.Batch batch = uploads.batch(jobId);
        Map<String, String> fields = new LinkedHashMap<>();
        RequestFingerprint fp = new RequestFingerprint();
        try {
            for (Part part : request.getParts()) {
                String field = part.getName();
                if (part.getSubmittedFileName() == null) {
                    if (fields.put(field, readField(part)) != null) {
                        throw new ApiException(ProblemType.INVALID_PARAMETER,
                                "form field '" + JobTypes.abbreviate(field) + "' is given twice");
                    }
                } else if (field.equals("images")) {
                    batch.addImage(part.getSubmittedFileName(), part::getInputStream);
                } else if (field.equals("video")) {
                    batch.addVideo(part.getSubmittedFileName(), part::getInputStream);
                } else if (field.equals("archive")) {
                    try (InputStream in = part.getInputStream()) {
                        batch.addArchive(part.getSubmittedFileName(), in);
                    }
                } else {
                    throw new ApiException(ProblemType.INVALID_PARAMETER,
                            "unexpected file field '" + JobTypes.abbreviate(field) + "': photos go in 'images' parts or one 'archive', a video in 'video'");
                }
            }
            batch.checkMasks();
            String type = JobTypes.require(fields.remove("type"));
            int priority = parsePriority(fields.remove("priority"));
            // An API concern, not a job option: kept out of the params the worker reads.
            String callback = fields.remove(CALLBACK_URL);
            ObjectNode params = mapper.createObjectNode();
            fields.forEach(params::put);
            JobRequirements requirements = JobOptions.validate(type, params, batch.imageCount(), batch.videoCount(), batch.largestSide());
            String callbackUrl = callback == null ? null : callbackUrls.check(tenant.value(), CALLBACK_URL, callback);
            fp.add("type", type).add("priority", Integer.toString(priority)).addFields(fields);
            if (callbackUrl != null) fp.add(CALLBACK_URL, callbackUrl);
            for (var in : batch.inputs()) fp.add("input:" + in.name(), in.sha256());
            var created = jobs.create(tenant, key,
                    new JobService.NewJob(jobId, type, priority, params, batch.inputs(), fp.hex(), requirements,
                            callbackUrl));
            return accepted(created);
        } catch (RuntimeException | IOException | ServletException e) {
            jobs.discardUploads(jobId);
            throw e;
        }
    }

    /** A job without uploads, e.g. {@code {"type":"text-to-3d","prompt":"..."}}; other fields are job options. */
    @PostMapping(path = "/v1/jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> createJson(TenantId tenant,
            @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            HttpServletRequest request) throws IOException {
        String key = checkIdempotencyKey(idempotencyKey);
        byte[] body = readBoundedBody(request);
        JsonNode node;
        try {
            // Duplicate keys are refused: which of two "type" or "prompt" fields wins must not be a guess.
            node = mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the body must be a JSON object");
        }
        ObjectNode params = ((ObjectNode) node).deepCopy();
        JsonNode typeNode = params.remove("type");
        String type = JobTypes.require(typeNode == null || !typeNode.isString() ? null : typeNode.asString());
        JsonNode prio = params.remove("priority");
        int priority = prio == null || prio.isNull() ? 0
                : prio.isIntegralNumber() && prio.canConvertToLong() ? checkPriority(prio.asLong())
                : prio.isString() ? parsePriority(prio.asString())
                : parsePriority("not a whole number");
        JsonNode callback = params.remove(CALLBACK_URL);
        if (callback != null && !callback.isNull() && !callback.isString()) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "callbackUrl must be a string (an http or https URL)");
        }
        JobRequirements requirements = JobOptions.validate(type, params, 0, 0, 0);
        String callbackUrl = callback == null || callback.isNull() ? null
                : callbackUrls.check(tenant.value(), CALLBACK_URL, callback.asString());
        RequestFingerprint fp = new RequestFingerprint().add("type", type).add("priority", Integer.toString(priority))
                .addJson(params);
        if (callbackUrl != null) fp.add(CALLBACK_URL, callbackUrl);
        String fingerprint = fp.hex();
        UUID jobId = UUID.randomUUID();
        MDC.put(JobLogContextFilter.JOB_ID, jobId.toString()); // the filter clears it after the request
        return accepted(jobs.create(tenant, key, new JobService.NewJob(jobId, type, priority, params,
                java.util.List.of(), fingerprint, requirements, callbackUrl)));
    }

    @GetMapping("/v1/jobs/{id}")
    JobView get(TenantId tenant, @PathVariable String id) {
        return jobs.get(tenant, ArtifactController.parseJobId(id));
    }

    @GetMapping("/v1/jobs")
    JobPage list(TenantId tenant, @RequestParam(required = false) String state,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        Integer n = null;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "limit must be a whole number");
            }
        }
        return jobs.list(tenant, state, n, cursor);
    }

    @PostMapping("/v1/jobs/{id}/cancel")
    ResponseEntity<JobView> cancel(TenantId tenant, @PathVariable String id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(jobs.cancel(tenant, ArtifactController.parseJobId(id)));
    }

    /** A finished job with its inputs, artifacts and checkpoints (204); 409 while QUEUED or RUNNING (JobDeletion). */
    @DeleteMapping("/v1/jobs/{id}")
    ResponseEntity<Void> delete(TenantId tenant, @PathVariable String id) {
        deletion.delete(tenant, ArtifactController.parseJobId(id));
        return ResponseEntity.noContent().build();
    }

    /**
     * The JSON body, read with a bound while it streams: a declared length over the limit is refused before a
     * byte is read, and a chunked body stops being read at the limit.
     */
    private byte[] readBoundedBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > props.maxJsonBytes()) throw jsonTooLarge();
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(props.maxJsonBytes() + 1);
        }
        if (body.length > props.maxJsonBytes()) throw jsonTooLarge();
        if (body.length == 0) {
            throw new ApiException(ProblemType.MALFORMED_REQUEST, "the request body is empty; send a JSON object");
        }
        return body;
    }

    private ApiException jsonTooLarge() {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                "the JSON body is larger than " + props.maxJsonBytes() + " bytes");
    }

    private String readField(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] b = in.readNBytes(props.maxFieldChars() * 4 + 1);
            String s = new String(b, StandardCharsets.UTF_8);
            if (b.length > props.maxFieldChars() * 4 || s.codePointCount(0, s.length()) > props.maxFieldChars()) {
                if (part.getName().equals("prompt")) {
                    throw new ApiException(ProblemType.PROMPT_TOO_LONG, "the prompt is longer than "
                            + TextTo3dJobOptions.MAX_PROMPT_CHARS + " characters");
                }
                throw new ApiException(ProblemType.INVALID_PARAMETER, "form field '" + part.getName()
                        + "' is longer than " + props.maxFieldChars() + " characters");
            }
            return s;
        }
    }

    private static int parsePriority(String raw) {
        if (raw == null || raw.isBlank()) return 0;
        try {
            return checkPriority(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "priority must be a whole number");
        }
    }

    private static int checkPriority(long p) {
        if (p < -1000 || p > 1000) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "priority must be between -1000 and 1000");
        }
        return (int) p;
    }

    private static String checkIdempotencyKey(String key) {
        if (key == null) return null;
        String k = key.trim();
        if (k.isEmpty() || k.length() > 255 || !k.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ApiException(ProblemType.INVALID_PARAMETER,
                    "Idempotency-Key must have 1 to 255 visible ASCII characters");
        }
        return k;
    }

    private static ResponseEntity<JobView> accepted(JobService.Created created) {
        // One line per new job; with structured logging it carries jobId and tenantId (JobLogContextFilter).
        MDC.put(JobLogContextFilter.JOB_ID, created.job().id().toString());
        if (created.replayed()) log.info("job creation replayed (same Idempotency-Key)");
        else log.info("job created: {}", created.job().type());
        var b = ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(created.job().links().self()));
        if (created.replayed()) b.header("Idempotent-Replayed", "true");
        return b.body(created.job());
    }
}
