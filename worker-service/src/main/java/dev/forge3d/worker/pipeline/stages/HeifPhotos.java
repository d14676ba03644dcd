package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.image.heif.HeifDecoder;
import dev.forge3d.runtime.image.heif.HeifException;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.pipeline.StageFailedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a job's HEIC/HEIF photos into upright, lossless PNGs (EXIF kept) beside the other photos, so every later
 * stage reads them like any other photo: {@code IMG_0001.HEIC} becomes {@code IMG_0001.png}. The API checks only the
 * container; a photo whose image data is damaged fails the job here, named, as a damaged JPEG fails at upload.
 * {@code forge3d sfm} decodes a local folder's HEIC photos with it too ({@code cli.PhotoFolder}).
 */
public final class HeifPhotos {

    /** Pixels one HEIC file may decode to, all its images together: the API's default per-photo limit. */
    public static final long MAX_PIXELS = 400_000_000L;

    private HeifPhotos() {}

    public record Result(int decoded, double seconds) {}

    /** Decodes with libheif's tools from the PATH. */
    public static Result decodeAll(List<Path> files, Path photos, int threads, ProgressListener listener) {
        return decodeAll(HeifDecoder.find(MAX_PIXELS), files, photos, threads, listener);
    }

    /** @param tools the decoder, or empty on a worker without it (the job then fails saying what to install) */
    public static Result decodeAll(java.util.Optional<HeifDecoder> tools, List<Path> files, Path photos, int threads,
                            ProgressListener listener) {
        HeifDecoder decoder = tools.orElseThrow(() -> new StageFailedException(
                files.size() + " of the photos are HEIC/HEIF (" + files.get(0).getFileName() + (files.size() > 1 ? ", ..." : "")
                        + "), and this worker cannot decode them: " + HeifDecoder.missingReason()));
        // Output names chosen up front (one thread), so two photos can never claim the same one.
        Set<String> taken = new HashSet<>();
        try (var s = Files.list(photos)) {
            s.forEach(p -> taken.add(p.getFileName().toString().toLowerCase(Locale.ROOT)));
        } catch (java.io.IOException e) {
            throw new StageFailedException("cannot list " + photos + ": " + e.getMessage(), true, e);
        }
        List<Path> targets = new ArrayList<>();
        for (Path f : files) targets.add(photos.resolve(pngName(f.getFileName().toString(), taken)));

        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, files.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i), target = targets.get(i);
                futures.add(pool.submit(() -> {
                    listener.checkCancelled();
                    try {
                        decoder.toPng(f, target);
                    } catch (HeifException e) {
                        throw new StageFailedException(f.getFileName() + " cannot be decoded as HEIC/HEIF ("
                                + e.getMessage() + "); the file may be damaged: export it again or send it as JPEG");
                    }
                    int n = done.incrementAndGet();
                    listener.onProgress(Progress.of(IngestStage.NAME, 0.1 * n / files.size(), Double.NaN,
                            n + "/" + files.size() + " HEIC photos decoded"));
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                try {
                    fu.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(files.size(), (System.nanoTime() - start) / 1e9);
    }

    /** {@code IMG_0001.png} for {@code IMG_0001.HEIC}; {@code IMG_0001-heic.png} when that name is taken. */
    static String pngName(String heifName, Set<String> taken) {
        String base = heifName.replaceFirst("\\.[^.]*$", "");
        if (base.isEmpty()) base = "photo";
        String name = base + ".png";
        for (int i = 2; !taken.add(name.toLowerCase(Locale.ROOT)); i++) {
            name = base + "-heic" + (i == 2 ? "" : "-" + i) + ".png";
        }
        return name;
    }
}
