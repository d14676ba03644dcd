package dev.forge3d.runtime.image.ingest;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Reads a folder of photos: decodes JPEG/PNG, turns each image upright by its EXIF orientation, reads the EXIF
 * focal length as a prior, and keeps a downscaled copy for feature extraction. Files that cannot be used (not
 * decodable, too small, a format we do not read) are returned as {@link RejectedImage}s with a reason; other
 * files (a K.txt beside the photos) are ignored.
 */
public final class PhotoIngest {

    /** Extensions that are decoded. */
    static final Set<String> READABLE = Set.of("jpg", "jpeg", "png");
    /** Image extensions that are recognised but not decodable here: reported rather than silently skipped. */
    static final Set<String> UNSUPPORTED = Set.of("heic", "heif", "tif", "tiff", "webp", "gif", "bmp", "cr2", "nef", "dng", "arw");

    /**
     * @param maxDimension longest side of the downscaled copy (full resolution when the photo is smaller)
     * @param minDimension photos whose shorter side is below this are rejected as too small
     */
    public record Options(int maxDimension, int minDimension, int threads) {
        public static Options defaults() {
            return new Options(3072, 200, Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
    }

    private final Options options;

    public PhotoIngest(Options options) {
        this.options = options;
    }

    public IngestResult ingest(Path dir, ProgressListener listener) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<Path> candidates = new ArrayList<>();
        List<RejectedImage> rejected = new ArrayList<>();
        for (Path f : files) {
            String ext = extension(f);
            if (READABLE.contains(ext)) candidates.add(f);
            else if (UNSUPPORTED.contains(ext)) {
                rejected.add(new RejectedImage(f.getFileName().toString(), "unsupported image format ." + ext + " (use JPEG or PNG)"));
            }
        }
        List<Object> results = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.threads(), candidates.size())));
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Path f : candidates) {
                futures.add(pool.submit(() -> {
                    listener.checkCancelled();
                    Object r = readOne(f);
                    int n = done.incrementAndGet();
                    double el = (System.nanoTime() - start) / 1e9;
                    listener.onProgress(Progress.of("sfm.ingest", (double) n / candidates.size(),
                            el / n * (candidates.size() - n), n + "/" + candidates.size() + " photos"));
                    return r;
                }));
            }
            for (Future<Object> fu : futures) results.add(getUnchecked(fu));
        } finally {
            pool.shutdownNow();
        }
        List<IngestedImage> images = new ArrayList<>();
        for (Object r : results) {
            if (r instanceof IngestedImage im) images.add(im);
            else rejected.add((RejectedImage) r);
        }
        rejected.sort(Comparator.comparing(RejectedImage::name));
        return new IngestResult(images, rejected);
    }

    private Object readOne(Path f) {
        String name = f.getFileName().toString();
        ExifInfo exif = ExifInfo.read(f);
        PhotoDecoder.Decoded decoded;
        try {
            decoded = PhotoDecoder.decode(f, options.maxDimension());
        } catch (Exception | OutOfMemoryError e) {
            return new RejectedImage(name, "cannot decode: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        int sensorWidth = decoded.fullWidth();
        BufferedImage up = ImageOrientation.apply(decoded.image(), exif.orientation());
        // Full-size dimensions, upright: the camera's geometry does not depend on how the photo was decoded.
        boolean turned = exif.orientation() >= 5 && exif.orientation() <= 8;
        int w = turned ? decoded.fullHeight() : decoded.fullWidth();
        int h = turned ? decoded.fullWidth() : decoded.fullHeight();
        if (Math.min(w, h) < options.minDimension()) {
            return new RejectedImage(name, "too small: " + w + "x" + h + " (the shorter side needs at least " + options.minDimension() + " px)");
        }
        double scale = Math.max(1.0, (double) Math.max(w, h) / options.maxDimension());
        int dw = Math.max(1, (int) Math.round(w / scale)), dh = Math.max(1, (int) Math.round(h / scale));
        BufferedImage small = AreaResampler.downscale(up, dw, dh);
        // The small image covers the full one exactly; rounding makes the two axes' scales differ slightly.
        OptionalDouble focal = exif.focalPixels(w, h, sensorWidth);
        return new IngestedImage(name, f, w, h, exif, focal, small, (double) w / dw, (double) h / dh);
    }

    /** Decodes a file and applies the EXIF orientation; throws with a readable message on failure. */
    static BufferedImage decodeUpright(Path f, int orientation) {
        try {
            BufferedImage raw = ImageIO.read(f.toFile());
            if (raw == null) throw new IllegalStateException("cannot decode " + f.getFileName());
            return ImageOrientation.apply(raw, orientation);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode " + f.getFileName() + ": " + e.getMessage(), e);
        }
    }

    static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Object getUnchecked(Future<Object> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }
}
