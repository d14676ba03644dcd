package dev.forge3d.api.workers;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Text a worker reports (stage, message, failure reason, metrics) made storable and displayable: control
 * characters other than tab and line breaks, and unpaired UTF-16 surrogates, are dropped. PostgreSQL cannot store
 * NUL in text or jsonb, so without this one bad byte from a worker would turn its report into a server error.
 */
final class WorkerText {
    private WorkerText() {}

    static String clean(String s, int maxChars) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars));
        for (int i = 0; i < s.length() && b.length() < maxChars; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (b.length() + 2 > maxChars) break;
                b.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c) && (!Character.isISOControl(c) || c == '\t' || c == '\n' || c == '\r')) {
                b.append(c);
            }
        }
        return b.toString();
    }

    static boolean printable(String s) {
        return s != null && clean(s, Integer.MAX_VALUE).equals(s);
    }

    /** A copy of {@code node} with every string (and field name) cleaned. */
    static JsonNode clean(JsonNode node) {
        if (node == null) return null;
        if (node.isString()) return StringNode.valueOf(clean(node.asString(), Integer.MAX_VALUE));
        if (node instanceof ObjectNode o) {
            ObjectNode out = o.objectNode();
            for (var e : o.properties()) out.set(clean(e.getKey(), Integer.MAX_VALUE), clean(e.getValue()));
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = a.arrayNode();
            for (JsonNode e : a) out.add(clean(e));
            return out;
        }
        return node;
    }
}
