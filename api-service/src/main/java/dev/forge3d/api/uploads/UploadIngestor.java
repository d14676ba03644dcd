package dev.forge3d.api.uploads;

import dev.forge3d.api.metrics.JobMetrics;
import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Streams a job's uploaded photos (image parts, or a zip of them) into the blob store, checking each one. Nothing
 * is held in memory: parts come from the servlet container's temporary files, zip entries are spooled to a
 * temporary file one at a time. Limits, one budget per request: image count, zip entries, expanded bytes and the
 * expansion ratio; pose files have a size cap of their own.
 */
@Component
public class UploadIngestor {
    /** Supplies a fresh stream over the same bytes (a part or a spooled zip entry can be read twice). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private final JobMetrics metrics;
    private final BlobStore blobs;
    private final UploadLimits limits;
    private final Path spoolDir;

    public UploadIngestor(BlobStore blobs, UploadLimits limits, @Value("${forge3d.data-dir}") Path dataDir,
            JobMetrics metrics) throws IOException {
        this.blobs = blobs;
        this.metrics = metrics;
        this.limits = limits;
        this.spoolDir = Files.createDirectories(dataDir.resolve("spool"));
    }

    /** Collects the inputs of one job, enforcing limits across all its parts. */
    public Batch batch(UUID jobId) {
        return new Batch(jobId);
    }

    public final class Batch {
        private final UUID jobId;
        private final InputNames names = new InputNames();
        private final List<StoredInput> stored = new ArrayList<>();
        private int images;
        private int videos;
        private int largestSide;
        private int archiveEntries;
        private long archiveBytes;
        private long expandedBytes;

        private Batch(UUID jobId) {
            this.jobId = jobId;
        }

        public List<StoredInput> inputs() { return List.copyOf(stored); }

        public int imageCount() { return images; }

        public int videoCount() { return videos; }

        /** The longest side, in pixels, of the largest photo so far (0 before any). */
        public int largestSide() { return largestSide; }

        public void addImage(String submittedName, Source source) throws IOException {
            String name = names.image(submittedName);
            if (++images > limits.maxImages()) {
                throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                        "more than " + limits.maxImages() + " images in one job");
            }
            String display = submittedName == null ? name : submittedName;
            ImageCheck.Checked photo;
            try (InputStream in = source.open()) {
                photo = ImageCheck.verify(display, in, limits.maxImagePixels());
            }
            largestSide = Math.max(largestSide, Math.max(photo.width(), photo.height()));
            store(name, photo.mediaType(), source);
        }

        /** Adds the one video of a job (its frames become the photos on the worker). */
        public void addVideo(String submittedName, Source source) throws IOException {
            if (++videos > 1) {
                throw new ApiException(ProblemType.INVALID_PARAMETER, "one 'video' part per job; send more footage as photos");
            }
            String display = abbreviate(submittedName == null ? "video" : submittedName);
            VideoCheck.Container c;
            try (InputStream in = source.open()) {
                c = VideoCheck.verify(display, in);
            }
            store(names.video(submittedName, c.extension()), c.mediaType(), source);
        }

        /**
         * Adds the photos (and pose files) of one zip part. The part is spooled to a file and read through its
         * central directory, so a truncated archive is refused as a whole (a streaming reader stops quietly at a
         * cut between entries). Entries, expanded bytes and the expansion ratio count against the request's one
         * budget across all its archives, skipped entries included.
         */
        public void addArchive(String submittedName, InputStream zipStream) throws IOException {
            String display = abbreviate(submittedName == null ? "archive" : submittedName);
            int before = stored.size();
            Path spooled = Files.createTempFile(spoolDir, "upload-", ".zip");
            try {
                try (var out = Files.newOutputStream(spooled)) {
                    archiveBytes += zipStream.transferTo(out);
                }
                try (ZipFile zip = new ZipFile(spooled.toFile())) {
                    archiveEntries += zip.size();
                    if (archiveEntries > limits.maxArchiveEntries()) {
                        throw new ApiException(ProblemType.ARCHIVE_TOO_LARGE, "the archives hold more than "
                                + limits.maxArchiveEntries() + " entries");
                    }
                    if (zip.size() == 0) throw new ApiException(ProblemType.INVALID_ARCHIVE, display + " is empty");
                    var entries = zip.entries();
                    while (entries.hasMoreElements()) {
                        ZipEntry e = entries.nextElement();
                        String path = safePath(e.getName());
                        if (e.isDirectory() || ignorable(path)) continue;
                        Entry kind = Entry.of(path);
                        if (kind == Entry.UNSUPPORTED) addArchiveEntry(kind, path, null);
                        if (kind == Entry.NOTE) {
                            // Skipped, but counted: read through without being written anywhere.
                            try (InputStream in = zip.getInputStream(e)) {
                                expandBounded(in, java.io.OutputStream.nullOutputStream(), path, Long.MAX_VALUE);
                            }
                            continue;
                        }
                        long cap = kind == Entry.SIDECAR ? limits.maxSidecarBytes().toBytes() : Long.MAX_VALUE;
                        Path tmp = Files.createTempFile(spoolDir, "zip-", ".entry");
                        try {
                            try (InputStream in = zip.getInputStream(e); var out = Files.newOutputStream(tmp)) {
                                expandBounded(in, out, path, cap);
                            }
                            addArchiveEntry(kind, path, tmp);
                        } finally {
                            Files.deleteIfExists(tmp);
                        }
                    }
                } catch (ZipException | java.io.EOFException ex) {
                    throw new ApiException(ProblemType.INVALID_ARCHIVE, display
                            + " is not a complete, readable zip archive (" + ex.getMessage() + ")");
                }
            } finally {
                Files.deleteIfExists(spooled);
            }
            if (stored.size() == before) {
                throw new ApiException(ProblemType.MISSING_IMAGES, display + " holds no JPEG, PNG or HEIC images");
            }
        }

        /** Copies one entry, counting it against the request's expanded-bytes and ratio budgets and its own cap. */
        private void expandBounded(InputStream in, java.io.OutputStream out, String path, long cap) throws IOException {
            byte[] buf = new byte[64 * 1024];
            long entry = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                entry += r;
                expandedBytes += r;
                if (entry > cap) {
                    throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, abbreviate(path) + " is larger than "
                            + limits.maxSidecarBytes() + ", the limit for pose files");
                }
                if (expandedBytes > limits.maxArchiveExpandedBytes().toBytes()) {
                    throw new ApiException(ProblemType.ARCHIVE_TOO_LARGE, "the archives expand to more than "
                            + limits.maxArchiveExpandedBytes());
                }
                // A ratio far above what photos and pose files compress to is a zip bomb (1 MiB of slack first).
                if (expandedBytes > (1L << 20) && expandedBytes > limits.maxArchiveRatio() * archiveBytes) {
                    throw new ApiException(ProblemType.ARCHIVE_TOO_LARGE, "the archives expand more than "
                            + limits.maxArchiveRatio() + " times their size");
                }
                out.write(buf, 0, r);
            }
        }

        private void addArchiveEntry(Entry kind, String path, Path tmp) throws IOException {
            switch (kind) {
                case IMAGE -> addImage(path, () -> Files.newInputStream(tmp));
                // Pose files (transforms.json, a COLMAP model) travel with the photos for the pipeline to read.
                case SIDECAR -> store(names.other(path), Entry.mediaType(path), () -> Files.newInputStream(tmp));
                case NOTE -> { } // counted by the caller, never stored
                case UNSUPPORTED -> throw new ApiException(ProblemType.UNSUPPORTED_ARCHIVE_ENTRY, "the archive holds "
                        + abbreviate(path) + ": only .jpg/.jpeg/.png/.heic/.heif photos, pose files (" + Entry.SIDECARS
                        + ") and .txt/.json/.md notes (skipped) are accepted");
            }
        }

        private void store(String name, String mediaType, Source source) throws IOException {
            MessageDigest sha = sha256();
            String key = BlobKeys.input(jobId, name);
            long size;
            try (InputStream in = new DigestInputStream(source.open(), sha)) {
                size = blobs.put(key, in, mediaType);
            }
            metrics.uploaded(size);
            stored.add(new StoredInput(name, size, HexFormat.of().formatHex(sha.digest()), mediaType, key));
        }
    }

    /** Rejects absolute paths, drive letters and any '..' segment (zip slip); returns a clean relative path. */
    static String safePath(String entryName) {
        String n = entryName.replace('\\', '/');
        if (n.startsWith("/") || (n.length() > 1 && n.charAt(1) == ':')) {
            throw new ApiException(ProblemType.UNSAFE_ARCHIVE_ENTRY, "archive entry '" + abbreviate(entryName)
                    + "' has an absolute path");
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : n.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) continue;
            if (seg.equals("..")) {
                throw new ApiException(ProblemType.UNSAFE_ARCHIVE_ENTRY, "archive entry '" + abbreviate(entryName)
                        + "' points outside the archive ('..')");
            }
            if (!sb.isEmpty()) sb.append('/');
            sb.append(seg);
        }
        return sb.toString();
    }

    /** What an archive entry is to the pipeline. */
    enum Entry {
        IMAGE, SIDECAR, NOTE, UNSUPPORTED;

        /** The pose files the pipeline reads (SfmStage): NeRF transforms and a COLMAP model, text or binary. */
        static final java.util.Set<String> SIDECARS = java.util.Set.of("transforms.json", "transforms_train.json",
                "cameras.txt", "images.txt", "points3D.txt", "cameras.bin", "images.bin", "points3D.bin");

        static Entry of(String path) {
            String base = path.substring(path.lastIndexOf('/') + 1);
            String lower = base.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png") || lower.endsWith(".heic")
                    || lower.endsWith(".heif")) {
                return IMAGE;
            }
            if (SIDECARS.contains(base)) return SIDECAR;
            if (lower.endsWith(".txt") || lower.endsWith(".json") || lower.endsWith(".md")) return NOTE;
            return UNSUPPORTED;
        }

        static String mediaType(String path) {
            return path.endsWith(".json") ? "application/json" : path.endsWith(".txt") ? "text/plain"
                    : "application/octet-stream";
        }
    }

    private static boolean ignorable(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return path.isEmpty() || path.startsWith("__MACOSX/") || base.startsWith(".");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
