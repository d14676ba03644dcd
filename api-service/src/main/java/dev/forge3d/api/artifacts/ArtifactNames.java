package dev.forge3d.api.artifacts;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;

/** Artifact and checkpoint names: relative '/'-paths of safe characters, no '..', at most 300 characters. */
public final class ArtifactNames {
    private ArtifactNames() {}

    public static String require(String raw) {
        String name = raw == null ? "" : raw.startsWith("/") ? raw.substring(1) : raw;
        if (name.isEmpty() || name.length() > 300 || name.endsWith("/")) throw bad(name);
        for (String seg : name.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) throw bad(name);
            for (int i = 0; i < seg.length(); i++) {
                char c = seg.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '-' || c == '_';
                if (!ok) throw bad(name);
            }
        }
        return name;
    }

    private static ApiException bad(String name) {
        return new ApiException(ProblemType.INVALID_PARAMETER, "invalid name '"
                + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
                + "': use relative paths of letters, digits, '.', '-', '_' separated by '/'");
    }
}
