package dev.forge3d.api.auth;

/**
 * The one request-path form the API answers: '/'-separated segments of unreserved characters (RFC 3986 section 2.3:
 * letters, digits, '-', '.', '_', '~'), no empty, '.' or '..' segment. Every route and every name the API hands
 * out (job ids, artifact and input names) fits it, so a path outside it is never a request for something that
 * exists; refusing it before routing means the servlet container, the router and the filters all see the same
 * path: no percent-encoding to decode differently, no ';' parameters that one strips and another keeps, no '//' or
 * dot segments to normalise.
 */
public final class CanonicalPaths {
    private CanonicalPaths() {}

    /** Why {@code rawPath} (the request URI before decoding, without the query) is not canonical, or null if it is. */
    public static String problem(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') return "the path must start with '/'";
        if (rawPath.length() > 2048) return "the path is longer than 2048 characters";
        int segmentStart = 1;
        for (int i = 1; i <= rawPath.length(); i++) {
            char c = i < rawPath.length() ? rawPath.charAt(i) : '/';
            if (c == '/') {
                String seg = rawPath.substring(segmentStart, i);
                boolean last = i == rawPath.length();
                if (seg.isEmpty() && !(last && rawPath.length() == 1)) {
                    return last ? "the path ends with '/'" : "the path has an empty segment ('//')";
                }
                if (seg.equals(".") || seg.equals("..")) return "the path has a '" + seg + "' segment";
                segmentStart = i + 1;
            } else if (!unreserved(c)) {
                return c == '%' ? "the path is percent-encoded; send it as plain characters"
                        : c == ';' ? "the path has ';' parameters"
                        : "the path has a character outside letters, digits, '-', '.', '_' and '~'";
            }
        }
        return null;
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
