package dev.forge3d.api.uploads;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Turns client file names into safe, unique input names ({@code images/<file>}, or a pose file's path). */
final class InputNames {
    private final Set<String> used = new HashSet<>();

    /** {@code images/<basename>} with anything but letters, digits, '.', '-' and '_' replaced. */
    String image(String submitted) {
        String base = submitted == null ? "" : submitted.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        base = sanitize(base);
        if (base.isEmpty()) base = "image";
        return claim("images/" + base);
    }

    /**
     * {@code masks/<basename>.png}, the extension in lower case: the worker finds a photo's mask by the exact file
     * name ({@code <photo>.png} or {@code <photo stem>.png}).
     */
    String mask(String submitted) {
        String base = submitted.replace('\\', '/');
        base = sanitize(base.substring(base.lastIndexOf('/') + 1)).replaceFirst("(?i)\\.png$", "");
        if (base.isEmpty()) base = "mask";
        return claim("masks/" + base + ".png");
    }

    /** {@code video/<basename>} with the container's extension (the worker picks its decoder by it). */
    String video(String submitted, String extension) {
        String base = submitted == null ? "" : submitted.replace('\\', '/');
        base = sanitize(base.substring(base.lastIndexOf('/') + 1)).replaceFirst("\\.[^.]*$", "");
        if (base.isEmpty()) base = "video";
        return claim("video/" + base + "." + extension);
    }

    /** A non-image file from an archive (poses: transforms.json, COLMAP model files), kept at its path. */
    String other(String normalizedPath) {
        StringBuilder sb = new StringBuilder();
        for (String seg : normalizedPath.split("/")) {
            if (seg.isEmpty()) continue;
            if (!sb.isEmpty()) sb.append('/');
            sb.append(sanitize(seg));
        }
        return claim(sb.toString());
    }

    private String claim(String name) {
        if (name.length() > 300) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "file name too long: " + name.substring(0, 60) + "...");
        }
        if (!used.add(name.toLowerCase(Locale.ROOT))) {
            throw new ApiException(ProblemType.DUPLICATE_INPUT, "two inputs are named " + name);
        }
        return name;
    }

    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '_' ? c : '_');
        }
        String r = sb.toString();
        while (r.startsWith(".")) r = r.substring(1);
        return r;
    }
}
