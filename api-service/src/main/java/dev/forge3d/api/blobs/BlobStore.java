package dev.forge3d.api.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Where uploads, artifacts and checkpoints live: the local filesystem (default) or an S3-compatible object store.
 * Keys are '/'-separated relative paths chosen by the API (never by clients directly). Writes are atomic: a
 * reader sees the old blob or the complete new one, never a partial write.
 */
public interface BlobStore {

    /** Streams {@code content} into {@code key}, replacing what was there; returns the number of bytes stored. */
    long put(String key, InputStream content, String contentType) throws IOException;

    /** Size of the blob, or empty when there is none. */
    OptionalLong size(String key) throws IOException;

    /**
     * Opens {@code length} bytes starting at {@code offset} ({@code length < 0}: to the end).
     *
     * @throws BlobNotFoundException when the blob does not exist
     */
    InputStream open(String key, long offset, long length) throws IOException;

    default InputStream open(String key) throws IOException {
        return open(key, 0, -1);
    }

    void delete(String key) throws IOException;

    /** Deletes every blob whose key starts with {@code prefix}. */
    void deletePrefix(String prefix) throws IOException;
}
