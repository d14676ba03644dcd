package dev.forge3d.worker.cli;

import dev.forge3d.runtime.image.heif.HeifDecoder;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.pipeline.stages.HeifPhotos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local {@code --images} folder as structure from motion reads it. Without HEIC/HEIF photos that is the folder
 * itself. With them (found by content, as a job finds them: a phone's HEIC may be named .jpg), it is a staging
 * folder inside the output folder: the HEIC photos decoded to upright PNGs by the jobs' own {@link HeifPhotos}
 * ({@code IMG_0001.HEIC} becomes {@code IMG_0001.png}), every other file linked under its own name. The user's
 * folder is never written to; {@link #close()} removes the staging folder.
 */
final class PhotoFolder implements AutoCloseable {

    private final Path dir;
    private final Path staging;
    private final int heicPhotos;

    private PhotoFolder(Path dir, Path staging, int heicPhotos) {
        this.dir = dir;
        this.staging = staging;
        this.heicPhotos = heicPhotos;
    }

    /** With libheif's tools from the PATH. */
    static PhotoFolder open(Path images, Path out, int threads, ProgressListener listener) {
        return open(images, out, threads, listener, () -> HeifDecoder.find(HeifPhotos.MAX_PIXELS));
    }

    /** @param tools looked up only when the folder holds a HEIC photo */
    static PhotoFolder open(Path images, Path out, int threads, ProgressListener listener,
                            java.util.function.Supplier<Optional<HeifDecoder>> tools) {
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + images + ": " + e.getMessage(), e);
        }
        List<Path> heif = files.stream().filter(HeifDecoder::isHeif).toList();
        if (heif.isEmpty()) return new PhotoFolder(images, null, 0);
        Path staging = null;
        try {
            Files.createDirectories(out);
            staging = Files.createTempDirectory(out, ".photos-");
            for (Path f : files) {
                if (heif.contains(f)) continue;
                String name = f.getFileName().toString();
                // A JPEG or PNG named .heic: the readers pick by extension (as IngestStage does for jobs).
                String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
                if (ext.equals("heic") || ext.equals("heif")) name += ".jpg";
                Files.createSymbolicLink(staging.resolve(name), f.toAbsolutePath());
            }
            HeifPhotos.decodeAll(tools.get(), heif, staging, threads, listener);
            return new PhotoFolder(staging, staging, heif.size());
        } catch (IOException e) {
            deleteTree(staging);
            throw new UncheckedIOException("cannot prepare the photos of " + images + " in " + out + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
    }

    /** The folder to read the photos from. */
    Path dir() { return dir; }

    /** How many photos were HEIC/HEIF and decoded. */
    int heicPhotos() { return heicPhotos; }

    @Override
    public void close() {
        deleteTree(staging);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            // Links are deleted as links: never the user's photos they point to.
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a left-over hidden folder inside the output folder; nothing else depends on it
        }
    }
}
