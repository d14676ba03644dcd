package dev.forge3d.api.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What makes two create requests "the same" for an Idempotency-Key: the job type, the options (field order does
 * not matter) and the uploaded files' names and contents (by SHA-256).
 */
final class RequestFingerprint {
    private final MessageDigest digest;

    RequestFingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    RequestFingerprint add(String label, String value) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] v = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        digest.update(intBytes(l.length));
        digest.update(l);
        digest.update(intBytes(v.length));
        digest.update(v);
        return this;
    }

    RequestFingerprint addFields(Map<String, String> fields) {
        new TreeMap<>(fields).forEach((k, v) -> add("field:" + k, v));
        return this;
    }

    RequestFingerprint addJson(JsonNode node) {
        return add("json", canonical(node));
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** JSON text with object keys sorted at every level. */
    static String canonical(JsonNode n) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.propertyNames());
            names.sort(null);
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(tools.jackson.databind.node.StringNode.valueOf(names.get(i)).toString())
                        .append(':').append(canonical(n.get(names.get(i))));
            }
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(canonical(n.get(i)));
            }
            return sb.append(']').toString();
        }
        return n.toString();
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
