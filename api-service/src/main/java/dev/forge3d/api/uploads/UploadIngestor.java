package dev.forge3d.api.uploads;

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
import java.util.zip.ZipInputStream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Streams a job's uploaded photos (image parts, or a zip of them) into the blob store, checking each one. Nothing
 * is held in memory: parts come from the servlet container's temporary files, zip entries are spooled to a
 * temporary file one at a time. Limits: image count, zip entry count and total expanded size.
 */
@Component
public class UploadIngestor {
    /** Supplies a fresh stream over the same bytes (a part or a spooled zip entry can be read twice). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private final BlobStore blobs;
    private final UploadLimits limits;
    private final Path spoolDir;

    public UploadIngestor(BlobStore blobs, UploadLimits limits, @Value("${forge3d.data-dir}") Path dataDir)
            throws IOException {
        this.blobs = blobs;
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

        private Batch(UUID jobId) {
            this.jobId = jobId;
        }

        public List<StoredInput> inputs() { return List.copyOf(stored); }

        public int imageCount() { return images; }

        public void addImage(String submittedName, Source source) throws IOException {
            String name = names.image(submittedName);
            if (++images > limits.maxImages()) {
                throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                        "more than " + limits.maxImages() + " images in one job");
            }
            String display = submittedName == null ? name : submittedName;
            String mediaType;
            try (InputStream in = source.open()) {
                mediaType = ImageCheck.verify(display, in, limits.maxImagePixels());
            }
            store(name, mediaType, source);
        }

        public void addArchive(String submittedName, InputStream zipStream) throws IOException {
            long budget = limits.maxArchiveExpandedBytes().toBytes();
            int entries = 0;
            int before = stored.size();
            try (ZipInputStream zip = new ZipInputStream(zipStream)) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    String path = safePath(e.getName());
                    if (++entries > limits.maxArchiveEntries()) {
                        throw new ApiException(ProblemType.ARCHIVE_TOO_LARGE,
                                "the archive has more than " + limits.maxArchiveEntries() + " entries");
                    }
                    if (e.isDirectory() || ignorable(path)) continue;
                    Path tmp = Files.createTempFile(spoolDir, "zip-", ".entry");
                    try {
                        long n;
                        try (var out = Files.newOutputStream(tmp)) {
                            n = copyBounded(zip, out, budget);
                        }
                        budget -= n;
                        addArchiveEntry(path, tmp);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            } catch (ZipException ex) {
                throw new ApiException(ProblemType.INVALID_ARCHIVE,
                        submittedName + " is not a readable zip archive (" + ex.getMessage() + ")");
            }
            if (entries == 0) {
                throw new ApiException(ProblemType.INVALID_ARCHIVE, submittedName + " is empty or not a zip archive");
            }
            if (stored.size() == before) {
                throw new ApiException(ProblemType.MISSING_IMAGES, submittedName + " holds no JPEG or PNG images");
            }
        }

        private void addArchiveEntry(String path, Path tmp) throws IOException {
            String lower = path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png")) {
                addImage(path, () -> Files.newInputStream(tmp));
            } else if (lower.endsWith(".json") || lower.endsWith(".txt") || lower.endsWith(".bin")) {
                // Pose files (transforms.json, a COLMAP model) travel with the photos for the pipeline to read.
                String name = names.other(path);
                store(name, lower.endsWith(".json") ? "application/json"
                        : lower.endsWith(".txt") ? "text/plain" : "application/octet-stream",
                        () -> Files.newInputStream(tmp));
            } else {
                throw new ApiException(ProblemType.UNSUPPORTED_ARCHIVE_ENTRY, "the archive holds " + path
                        + ": only .jpg/.jpeg/.png images and .json/.txt/.bin pose files are accepted");
            }
        }

        private void store(String name, String mediaType, Source source) throws IOException {
            MessageDigest sha = sha256();
            String key = BlobKeys.input(jobId, name);
            long size;
            try (InputStream in = new DigestInputStream(source.open(), sha)) {
                size = blobs.put(key, in, mediaType);
            }
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

    private static boolean ignorable(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return path.isEmpty() || path.startsWith("__MACOSX/") || base.startsWith(".");
    }

    private long copyBounded(InputStream in, java.io.OutputStream out, long budget) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > budget) {
                throw new ApiException(ProblemType.ARCHIVE_TOO_LARGE, "the archive expands to more than "
                        + limits.maxArchiveExpandedBytes() + " bytes");
            }
            out.write(buf, 0, r);
        }
        return total;
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
