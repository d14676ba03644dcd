package dev.forge3d.api.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans a worker's failure reason before it is stored and shown to clients: a worker often reports an exception
 * as is, and its class names, stack frames and absolute file paths tell a client about the worker's internals
 * (code layout, user names, mount points) without helping it. What remains is the readable message: stack-trace
 * lines are dropped, exception class names before a message removed ("java.lang.IllegalStateException: x" becomes
 * "x"), and absolute paths shortened to their file name.
 */
public final class FailureReasons {
    static final String NO_REASON = "the worker gave no reason";
    static final String NOTHING_READABLE = "the worker's reason held only internal details";
    /** Longer reasons are cut before cleaning, so the patterns never run over a huge body. */
    private static final int MAX_INPUT_CHARS = 64 * 1024;

    /** "at pkg.Class.method(File.java:12)", "at java.base/...", "... 12 more", "Caused by:" prefixes. */
    private static final Pattern FRAME = Pattern.compile(
            "^\\s*(?:at\\s+[\\w$./<>-]+\\(.*\\)|at\\s+[\\w$./<>-]+|\\.\\.\\.\\s*\\d+\\s+more)\\s*$");
    private static final Pattern CAUSE_PREFIX = Pattern.compile("^\\s*(?:Caused by|Suppressed):\\s*");
    /** A (qualified or simple) Throwable class name, with the ": " that follows it. */
    private static final Pattern EXCEPTION = Pattern.compile(
            "(?<![\\w$.])(?:[a-zA-Z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error|Throwable)(?:\\$[\\w$]+)*"
                    + "(?::\\s*|(?=\\s|$))");
    /** Unix absolute paths of two or more segments (also after "file:"), and Windows drive paths. */
    private static final Pattern UNIX_PATH = Pattern.compile("(?<![\\w.~/])/(?:[\\w.@+-]+/)+([\\w.@+-]*)");
    private static final Pattern WINDOWS_PATH = Pattern.compile("(?<![\\w])[A-Za-z]:\\\\(?:[^\\\\\\s]+\\\\)*([^\\\\\\s]*)");
    private static final Pattern FILE_URL = Pattern.compile("\\bfile:(?=/)");

    private FailureReasons() {}

    /** The readable part of {@code reason}, at most {@code maxChars} long; a fixed text when nothing is left. */
    public static String clean(String reason, int maxChars) {
        if (reason == null || reason.isBlank()) return NO_REASON;
        String in = reason.length() <= MAX_INPUT_CHARS ? reason : reason.substring(0, MAX_INPUT_CHARS);
        List<String> kept = new ArrayList<>();
        for (String line : in.split("\\R")) {
            if (FRAME.matcher(line).matches()) continue;
            String l = CAUSE_PREFIX.matcher(line).replaceFirst("");
            l = FILE_URL.matcher(l).replaceAll("");
            l = shortenPaths(UNIX_PATH, l);
            l = shortenPaths(WINDOWS_PATH, l);
            l = EXCEPTION.matcher(l).replaceAll("");
            l = l.strip();
            if (!l.isEmpty() && (kept.isEmpty() || !kept.getLast().equals(l))) kept.add(l);
        }
        String out = String.join("; ", kept).replaceAll("\\s{2,}", " ").strip();
        if (out.isEmpty()) return NOTHING_READABLE;
        return out.length() <= maxChars ? out : out.substring(0, maxChars);
    }

    /** A path becomes its last segment (the file name, which is what a reader can act on), or "…" for a folder. */
    private static String shortenPaths(Pattern p, String s) {
        Matcher m = p.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(b, Matcher.quoteReplacement(name.isEmpty() ? "…" : name));
        }
        m.appendTail(b);
        return b.toString();
    }
}
