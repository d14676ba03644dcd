package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.image.foreground.PlainBackdrop;
import dev.forge3d.runtime.image.ingest.ImageOrientation;
import dev.forge3d.runtime.image.ingest.PhotoDecoder;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.worker.pipeline.StageContext;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The object's masks estimated for an upload that has none, when its photos show a plain backdrop
 * ({@link PlainBackdrop}): written as an upload's masks would be ({@code <photo stem>.png} at the photo's upright
 * size, in {@code work/ingest/masks-auto/}), so SfM, training and the mesh use them alike. A set where fewer than
 * {@link #MIN_PLAIN_SHARE} of the photos show a plain backdrop gets none: a table, a room or an object the frame cuts
 * is better left whole than cut by a guess. What was decided, and why, is in {@code metrics.json}
 * ({@code ingest.autoMasks}).
 */
public final class AutoMasks {

    private AutoMasks() { }

    /** One photo's estimate and the photo's upright size (the size its mask is written at). */
    public record Estimate(PlainBackdrop.Result result, int width, int height) { }

    /**
     * The estimate for one photo file with its EXIF orientation: decoded no larger than the estimate needs (a phone's
     * 12 MP photo is subsampled while decoding), turned upright. A photo with an alpha channel gets none (its alpha is
     * its mask already: ingest composites it over the background).
     */
    public static Estimate estimate(Path file, int orientation) throws IOException {
        PhotoDecoder.Decoded d = PhotoDecoder.decode(file, PlainBackdrop.Options.DEFAULT.workSide());
        boolean turned = orientation >= 5 && orientation <= 8;
        int w = turned ? d.fullHeight() : d.fullWidth(), h = turned ? d.fullWidth() : d.fullHeight();
        if (d.image().getColorModel().hasAlpha()) {
            return new Estimate(new PlainBackdrop.Result(false, "the photo has its own transparency", w, h, null, 0, 0, 0), w, h);
        }
        BufferedImage photo = ImageOrientation.apply(d.image(), orientation);
        return new Estimate(PlainBackdrop.segment(photo, PlainBackdrop.Options.DEFAULT), w, h);
    }

    /** The task's result; its failure rethrown as it was thrown (an IO failure as IOException), an interrupt as a cancel. */
    private static <T> T join(Future<T> task) throws IOException {
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.forge3d.runtime.progress.CancelledException();
        }
    }

    /** At least this share of the photos must show a plain backdrop for the set to be masked. */
    static final double MIN_PLAIN_SHARE = 0.8;

    /** The folder of estimated masks, or null when the set gets none; what was decided and why goes into {@code m}. */
    static Path estimate(List<IngestedImage> images, StageContext ctx, int threads, ObjectNode m) throws IOException {
        long t0 = System.nanoTime();
        List<Estimate> estimates = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Estimate>> futures = new ArrayList<>();
            for (IngestedImage im : images) {
                futures.add(pool.submit(() -> {
                    ctx.progress().checkCancelled();
                    try {
                        return estimate(im.path(), im.exif().orientation());
                    } catch (IOException e) {
                        // ingest decoded it once already; an optional estimate never fails the job
                        return new Estimate(new PlainBackdrop.Result(false, "not decoded for its mask: " + e.getMessage(),
                                0, 0, null, 0, 0, 0), 0, 0);
                    }
                }));
            }
            for (Future<Estimate> f : futures) estimates.add(join(f));
        } finally {
            pool.shutdownNow();
        }
        List<PlainBackdrop.Result> results = estimates.stream().map(Estimate::result).toList();
        int plain = 0;
        for (PlainBackdrop.Result r : results) if (r.plain()) plain++;
        m.put("photos", images.size());
        m.put("plainBackdrop", plain);
        ArrayNode notPlain = m.putArray("notPlain");
        for (int i = 0; i < images.size() && notPlain.size() < 10; i++) {
            if (!results.get(i).plain()) notPlain.addObject().put("name", images.get(i).name()).put("reason", results.get(i).reason());
        }
        boolean use = !images.isEmpty() && plain >= MIN_PLAIN_SHARE * images.size();
        m.put("used", use);
        if (!use) {
            m.put("reason", String.format(Locale.ROOT, "%d of %d photos show a plain backdrop (at least %.0f %% needed): "
                    + "the photos are used whole", plain, images.size(), 100 * MIN_PLAIN_SHARE));
            m.put("seconds", SfmStage.round((System.nanoTime() - t0) / 1e9, 2));
            return null;
        }
        Path dir = Files.createDirectories(ctx.workDir().resolve("ingest/masks-auto"));
        double share = 0;
        for (PlainBackdrop.Result r : results) if (r.plain()) share += r.objectShare();
        // Written in parallel: a phone photo's full-size mask takes a while to encode.
        ForkJoinPool writers = new ForkJoinPool(Math.max(1, threads));
        try {
            join(writers.submit(() -> IntStream.range(0, images.size()).parallel().forEach(i -> {
                PlainBackdrop.Result r = results.get(i);
                if (!r.plain()) return;
                Estimate est = estimates.get(i);
                // <stem>.png, as a user names a mask: found for the photo's name and for a posed view's stem alike
                String name = images.get(i).name().replaceFirst("\\.[^.]*$", "");
                try {
                    ImageIO.write(PlainBackdrop.mask(r, est.width(), est.height()), "png", dir.resolve(name + ".png").toFile());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })));
        } finally {
            writers.shutdown();
        }
        m.put("meanObjectShare", SfmStage.round(share / plain, 4));
        m.put("seconds", SfmStage.round((System.nanoTime() - t0) / 1e9, 2));
        return dir;
    }
}
