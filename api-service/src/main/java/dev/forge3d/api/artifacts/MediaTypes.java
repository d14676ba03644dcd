package dev.forge3d.api.artifacts;

import java.util.Locale;

/** Content types for artifact downloads: the worker's type when it gave a specific one, else by file extension. */
public final class MediaTypes {

    private MediaTypes() {}

    public static String forArtifact(String name, String declared) {
        if (declared != null && !declared.isBlank()) {
            String d = declared.trim();
            String base = d.toLowerCase(Locale.ROOT);
            if (!base.startsWith("application/octet-stream") && !base.startsWith("application/x-www-form-urlencoded")
                    && base.contains("/")) {
                return d;
            }
        }
        return dev.forge3d.jobs.media.MediaTypes.forName(name);
    }
}
