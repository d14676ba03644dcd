package dev.forge3d.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks real responses against the top-level openapi.yaml (OpenAPI 3.1): the path, method and status must be
 * documented, the content type must be one the operation declares, and a JSON body must validate against its
 * schema with a JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1).
 */
public final class OpenApiContract {
    private static OpenApiContract instance;

    private final JsonNode doc;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Map.Entry<Pattern, String>> paths = new ArrayList<>();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private OpenApiContract(Path file) throws IOException {
        doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        for (Iterator<String> it = doc.get("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = template.replace("{name}", "(.+)").replaceAll("\\{[^}]+}", "([^/]+)");
            paths.add(Map.entry(Pattern.compile(regex), template));
        }
    }

    public static synchronized OpenApiContract get() {
        if (instance == null) {
            try {
                instance = new OpenApiContract(find());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    static Path find() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path f = dir.resolve("openapi.yaml");
            if (Files.isRegularFile(f)) return f;
            dir = dir.getParent();
        }
        throw new IllegalStateException("openapi.yaml not found above " + Path.of("").toAbsolutePath());
    }

    /** Throws AssertionError describing every mismatch. */
    public void check(String method, String path, int status, String contentType, byte[] body) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String template = paths.stream().filter(e -> e.getKey().matcher(p).matches()).map(Map.Entry::getValue)
                .min((a, b) -> Integer.compare(a.length() - a.replace("{", "").length(),
                        b.length() - b.replace("{", "").length()))
                .orElseThrow(() -> new AssertionError("openapi.yaml documents no path matching " + p));
        JsonNode op = doc.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
        if (op == null) throw new AssertionError("openapi.yaml: no " + method + " on " + template);
        JsonNode responses = op.get("responses");
        String code = Integer.toString(status);
        JsonNode response = responses.get(code);
        String pointerCode = code;
        if (response == null) {
            pointerCode = code.charAt(0) + "XX";
            response = responses.get(pointerCode);
        }
        if (response == null) {
            pointerCode = "default";
            response = responses.get("default");
        }
        if (response == null) {
            throw new AssertionError("openapi.yaml: " + method + " " + template + " does not document status " + status);
        }
        response = resolve(response);
        JsonNode content = response.get("content");
        if (content == null || content.isEmpty()) {
            if (body != null && body.length > 0 && status != 204) {
                throw new AssertionError(method + " " + template + " " + status + ": body sent but none documented");
            }
            return;
        }
        String mt = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode media = content.get(mt);
        if (media == null) media = content.get("*/*");
        if (media == null) {
            throw new AssertionError(method + " " + template + " " + status + ": content type '" + contentType
                    + "' is not one of " + names(content));
        }
        if (!(mt.equals("application/json") || mt.endsWith("+json")) || media.get("schema") == null) return;
        JsonNode schemaNode = media.get("schema");
        JsonSchema schema = schemas.computeIfAbsent(template + " " + method + " " + pointerCode + " " + mt,
                k -> compile(schemaNode));
        JsonNode value;
        try {
            value = json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(method + " " + template + " " + status + ": body is not JSON: " + e.getMessage());
        }
        Set<ValidationMessage> errors = schema.validate(value);
        if (!errors.isEmpty()) {
            throw new AssertionError(method + " " + template + " " + status + " does not match openapi.yaml: "
                    + errors + "\nbody: " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private JsonSchema compile(JsonNode schemaNode) {
        // The response schema with the document's components beside it, so '#/components/...' refs resolve.
        ObjectNode root = schemaNode.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", doc.get("components"));
        return factory.getSchema(root);
    }

    private JsonNode resolve(JsonNode n) {
        while (n.has("$ref")) n = doc.at(n.get("$ref").asText().substring(1));
        return n;
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
