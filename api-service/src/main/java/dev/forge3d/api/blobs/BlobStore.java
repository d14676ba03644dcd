package dev.forge3d.api.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

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

    /** A stored blob as listed: its key and when it was last written. */
    record Entry(String key, Instant lastModified) {}

    /**
     * Calls {@code each} for every blob whose key starts with {@code prefix}, with its last modification time.
     * Keys come grouped by folder (a folder's blobs one after another) but in no further order; writes that have
     * not finished are not listed (see {@link #deleteAbandonedWrites}).
     */
    void list(String prefix, Consumer<Entry> each) throws IOException;

    /** {@link #list(String, Consumer)} into a list (for small prefixes). */
    default List<Entry> list(String prefix) throws IOException {
        List<Entry> out = new ArrayList<>();
        list(prefix, out::add);
        return out;
    }

    /**
     * Removes what puts interrupted before {@code olderThan} left behind (a crash mid-write), returning how many
     * were removed. Nothing to do where a store never makes a partial write visible (S3).
     */
    default int deleteAbandonedWrites(Instant olderThan) throws IOException {
        return 0;
    }
}
