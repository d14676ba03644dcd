package dev.forge3d.jobs.media;

import java.util.Locale;
import java.util.Map;

/** Content types of job inputs and artifacts by file extension: used by workers for uploads and by the API for downloads. */
public final class MediaTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("tif", "image/tiff"),
            Map.entry("tiff", "image/tiff"),
            Map.entry("webp", "image/webp"),
            Map.entry("glb", "model/gltf-binary"),
            Map.entry("gltf", "model/gltf+json"),
            Map.entry("ply", "application/ply"),
            Map.entry("splat", "application/octet-stream"),
            Map.entry("spz", "application/octet-stream"),
            Map.entry("bin", "application/octet-stream"),
            Map.entry("zip", "application/zip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("html", "text/html; charset=utf-8"));

    private MediaTypes() { }

    public static String forName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot < name.lastIndexOf('/')) return "application/octet-stream";
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }
}
