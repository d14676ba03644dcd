package dev.forge3d.worker.pipeline;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * A job's options as given to the API (JSON fields, or form fields of a multipart create, which arrive as
 * strings). The typed getters accept both a JSON number/boolean and its string form, and throw
 * {@link StageFailedException} with a readable reason when a value does not parse.
 */
public final class JobParams {

    private final ObjectNode json;

    public JobParams(ObjectNode json) {
        this.json = json == null ? JsonNodeFactory.instance.objectNode() : json.deepCopy();
    }

    public static JobParams empty() { return new JobParams(null); }

    /** A copy of the raw JSON. */
    public ObjectNode json() { return json.deepCopy(); }

    public boolean has(String name) {
        JsonNode v = json.get(name);
        return v != null && !v.isNull();
    }

    public Optional<String> string(String name) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        return Optional.of(v.isValueNode() ? v.asString() : v.toString());
    }

    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue) {
        Optional<String> s = string(name);
        if (s.isEmpty() || s.get().isBlank()) return defaultValue;
        try {
            return Integer.parseInt(s.get().strip());
        } catch (NumberFormatException e) {
            throw new StageFailedException("option '" + name + "' must be an integer, got '" + s.get() + "'");
        }
    }

    public double decimal(String name, double defaultValue) {
        Optional<String> s = string(name);
        if (s.isEmpty() || s.get().isBlank()) return defaultValue;
        try {
            return Double.parseDouble(s.get().strip());
        } catch (NumberFormatException e) {
            throw new StageFailedException("option '" + name + "' must be a number, got '" + s.get() + "'");
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> s = string(name);
        if (s.isEmpty() || s.get().isBlank()) return defaultValue;
        return switch (s.get().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new StageFailedException("option '" + name + "' must be true or false, got '" + s.get() + "'");
        };
    }

    @Override
    public String toString() { return json.toString(); }
}
