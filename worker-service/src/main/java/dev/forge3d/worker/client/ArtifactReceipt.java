package dev.forge3d.worker.client;

/** Answer to an artifact upload: what the server stored (size and sha256 as it computed them). */
public record ArtifactReceipt(String name, long size, String sha256) {
}
