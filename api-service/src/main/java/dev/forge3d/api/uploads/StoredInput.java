package dev.forge3d.api.uploads;

/** An input written to the blob store: its job-relative name ({@code images/a.jpg}), size, checksum, type, key. */
public record StoredInput(String name, long size, String sha256, String mediaType, String blobKey) {}
