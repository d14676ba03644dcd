package dev.forge3d.worker.cli;

import dev.forge3d.runtime.image.foreground.PlainBackdrop;
import dev.forge3d.runtime.image.ingest.ImageOrientation;
import dev.forge3d.runtime.image.ingest.ExifInfo;
import dev.forge3d.worker.pipeline.stages.AutoMasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code forge3d masks}: object masks estimated for photos on a plain backdrop, as a photo job estimates them when its
 * upload has none (one {@code <photo name>.png} per photo, white = the object), with what each photo showed.
 */
@Command(name = "masks", mixinStandardHelpOptions = true,
        description = "Estimate object masks for photos taken on a plain backdrop (a sweep, a light box), as a job does.")
public final class MasksCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "The photos (JPEG or PNG).")
    Path images;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the masks are written.")
    Path out;

    @Option(names = "--threshold", description = "Object threshold in multiples of the backdrop's noise (default: the jobs').")
    Double thresholdNoise;

    @Option(names = "--min-threshold", description = "Smallest object threshold, 0..255 RGB distance (default: the jobs').")
    Double minThreshold;

    @Option(names = "--max-noise", description = "Largest backdrop noise (0..255 RGB distance) still called plain (default: the jobs').")
    Double maxNoise;

    @Option(names = "--margin", description = "Pixels (at the working size) the object is grown by (default: the jobs').")
    Integer margin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter stdout = spec.commandLine().getOut();
        PlainBackdrop.Options d = PlainBackdrop.Options.DEFAULT;
        PlainBackdrop.Options o = new PlainBackdrop.Options(d.workSide(),
                thresholdNoise == null ? d.thresholdNoise() : thresholdNoise,
                minThreshold == null ? d.minThreshold() : minThreshold, maxNoise == null ? d.maxNoise() : maxNoise, d.maxBorderObject(),
                margin == null ? d.marginPx() : margin);
        if (!Files.isDirectory(images)) throw new IllegalArgumentException("--images: not a folder: " + images);
        List<Path> photos;
        try (Stream<Path> s = Files.list(images)) {
            photos = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().toList();
        }
        if (photos.isEmpty()) throw new IllegalArgumentException("no JPEG or PNG photos in " + images);
        Files.createDirectories(out);
        int plain = 0;
        for (Path p : photos) {
            long t0 = System.nanoTime();
            int orientation = ExifInfo.read(p).orientation();
            AutoMasks.Estimate e;
            if (o.equals(d)) {
                e = AutoMasks.estimate(p, orientation); // exactly what a job does
            } else {
                BufferedImage img = ImageIO.read(p.toFile());
                if (img == null) throw new IllegalArgumentException("not a readable photo: " + p);
                img = ImageOrientation.apply(img, orientation);
                e = new AutoMasks.Estimate(PlainBackdrop.segment(img, o), img.getWidth(), img.getHeight());
            }
            PlainBackdrop.Result r = e.result();
            double ms = (System.nanoTime() - t0) / 1e6;
            String name = p.getFileName().toString();
            if (r.plain()) {
                plain++;
                ImageIO.write(PlainBackdrop.mask(r, e.width(), e.height()), "png",
                        out.resolve(name.replaceFirst("\\.[^.]*$", "") + ".png").toFile());
                stdout.printf(Locale.ROOT, "%s: object %.1f %%, backdrop noise %.2f, border %.1f %% off, %.0f ms%n",
                        name, 100 * r.objectShare(), r.noise(), 100 * r.borderObject(), ms);
            } else {
                stdout.printf(Locale.ROOT, "%s: no mask: %s%n", name, r.reason());
            }
        }
        stdout.printf(Locale.ROOT, "%d of %d photos on a plain backdrop; masks in %s%n", plain, photos.size(), out);
        stdout.flush();
        return 0;
    }
}
