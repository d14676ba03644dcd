package dev.forge3d.jobs.options;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strict readers for job options, shared by the option classes of every job type. A value may be a JSON scalar
 * of the right kind or its string form (multipart form fields arrive as strings); arrays, objects, booleans for
 * numbers, fractions for whole numbers, non-finite numbers and values out of range are refused with an
 * {@link IllegalArgumentException} naming the option.
 */
public final class OptionValues {
    private OptionValues() {}

    public static boolean has(ObjectNode params, String name) {
        JsonNode v = params == null ? null : params.get(name);
        return v != null && !v.isNull() && !(v.isString() && v.asString().isBlank());
    }

    /** The option as text, or null when absent, null or blank. */
    public static String text(ObjectNode params, String name) {
        JsonNode v = params == null ? null : params.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException("option '" + name + "' must be a single value");
        String s = v.asString();
        if (s.isBlank()) return null;
        requirePrintable(name, s);
        return s;
    }

    public static long longValue(ObjectNode params, String name, long def, long min, long max) {
        JsonNode v = params == null ? null : params.get(name);
        long value;
        if (v != null && v.isNumber()) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) throw notWhole(name, v.toString());
            value = v.asLong();
        } else {
            if (v != null && v.isBoolean()) throw notWhole(name, v.toString());
            String s = text(params, name);
            if (s == null) return def;
            try {
                value = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw notWhole(name, s);
            }
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("option '" + name + "' must be between " + min + " and " + max
                    + ", got " + value);
        }
        return value;
    }

    public static double decimal(ObjectNode params, String name, double def, double min, double max) {
        JsonNode v = params == null ? null : params.get(name);
        double value;
        if (v != null && v.isNumber()) {
            value = v.asDouble();
        } else {
            if (v != null && v.isBoolean()) throw notNumber(name, v.toString());
            String s = text(params, name);
            if (s == null) return def;
            try {
                value = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw notNumber(name, s);
            }
        }
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new IllegalArgumentException("option '" + name + "' must be between " + fmt(min) + " and "
                    + fmt(max) + ", got " + abbreviate(v != null && v.isNumber() ? v.toString() : text(params, name)));
        }
        return value;
    }

    /** Refuses control characters (other than tab and line breaks) and unpaired UTF-16 surrogates. */
    public static void requirePrintable(String name, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r';
            boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(++i))
                    : Character.isLowSurrogate(c);
            if (control || lone) {
                throw new IllegalArgumentException("option '" + name + "' holds a control character or invalid "
                        + "UTF-16 at position " + i);
            }
        }
    }

    private static IllegalArgumentException notWhole(String name, String got) {
        return new IllegalArgumentException("option '" + name + "' must be a whole number, got '" + abbreviate(got) + "'");
    }

    private static IllegalArgumentException notNumber(String name, String got) {
        return new IllegalArgumentException("option '" + name + "' must be a number, got '" + abbreviate(got) + "'");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    public static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
