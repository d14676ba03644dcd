package dev.forge3d.runtime.image.ingest;

/** A file in the photo folder that was not used, and why (shown to the user as is). */
public record RejectedImage(String name, String reason) { }
