package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.image.ObjectMasks;
import dev.forge3d.runtime.image.heif.HeifDecoder;
import dev.forge3d.runtime.image.ingest.AreaResampler;
import dev.forge3d.runtime.image.ingest.ExifInfo;
import dev.forge3d.runtime.image.ingest.ImageOrientation;
import dev.forge3d.runtime.image.ingest.IngestResult;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.PhotoIngest;
import dev.forge3d.runtime.image.ingest.RejectedImage;
import dev.forge3d.runtime.image.video.Ffmpeg;
import dev.forge3d.runtime.image.video.VideoException;
import dev.forge3d.runtime.image.video.VideoFrames;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.sfm.features.FeatureMask;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.pipeline.JobInput;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Decodes the job's photos, turns them upright by EXIF, resizes them to the job's maximum resolution and sets aside
 * the ones that cannot be used (not decodable, too small, unsupported format) with a reason in the metrics. When no
 * photo is usable the job fails with the reasons. The prepared photos go to {@code work/ingest/images/} under their
 * original names; later stages find them through {@link Output} in {@link StageContext#shared()}.
 */
public final class IngestStage implements Stage {

    public static final String NAME = "ingest";
    /** Shared key of the {@link PhotoJobOptions} (after the worker's caps). */
    public static final String OPTIONS = "options";
    /** Shared key of the {@link Output}. */
    public static final String OUTPUT = "ingest";

    /** Photos whose shorter side (after resizing) is below this are set aside. */
    static final int MIN_SIDE = 32;
    /** Containers the API accepts as a job's {@code video}. */
    private static final java.util.Set<String> VIDEO_EXTENSIONS = java.util.Set.of("mp4", "mov", "m4v", "webm", "mkv");
    /** Longer videos are refused: one slow walk around an object takes a minute or two. */
    static final double MAX_VIDEO_SECONDS = 600;
    private static final java.util.Set<String> IMAGE_EXTENSIONS = java.util.Set.of("jpg", "jpeg", "png", "heic", "heif",
            "tif", "tiff", "webp", "gif", "bmp", "cr2", "nef", "dng", "arw");

    /**
     * @param imagesDir    the prepared photos (upright, at the job's training resolution; a photo with a mask is
     *                     composited over the job's background, so training sees the object alone)
     * @param originalsDir the uploaded photos as given (structure from motion reads them at its own resolution)
     * @param images       the photos as SfM wants them: {@code small} is the prepared photo itself (scale 1)
     * @param rejected     files set aside, with reasons
     * @param fromVideo    the photos are frames of a video, in time order by name
     * @param masksDir     the job's masks gathered by file name ({@link FeatureMask#maskFor}), or those estimated for
     *                     it on a plain backdrop ({@link AutoMasks}); null when it has none
     * @param masksEstimated the masks are {@link AutoMasks}' estimate, not the upload's
     */
    public record Output(Path imagesDir, Path originalsDir, List<IngestedImage> images, List<RejectedImage> rejected,
                         boolean fromVideo, Path masksDir, boolean masksEstimated) { }

    private final WorkerLimits limits;

    public IngestStage(WorkerLimits limits) {
        this.limits = limits;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        PhotoJobOptions options;
        try {
            options = PhotoJobOptions.parse(ctx.params().json()).cappedTo(limits.maxResolution(), limits.maxIterations());
        } catch (IllegalArgumentException e) {
            throw new StageFailedException(e.getMessage());
        }
        ctx.shared().put(OPTIONS, options);
        ObjectNode opt = ctx.metrics().putObject("options");
        opt.put("preset", options.preset().label());
        opt.put("maxResolution", options.maxResolution());
        opt.put("sfmResolution", options.sfmResolution());
        opt.put("iterations", options.iterations());
        opt.put("seed", options.seed());
        if (!options.capped().isEmpty()) {
            ArrayNode c = opt.putArray("cappedByWorker");
            options.capped().forEach(c::add);
        }

        // Gather the photos (wherever they are in the upload) into one flat folder for PhotoIngest.
        Path photos = Files.createDirectories(ctx.workDir().resolve("ingest/originals"));
        int given = 0;
        List<Path> heif = new ArrayList<>();
        for (JobInput in : ctx.inputs()) {
            if (!IMAGE_EXTENSIONS.contains(extension(in.name()))) continue;
            if (FeatureMask.isMaskPath(in.name())) continue; // a photo's mask (read by SfM), not a photo
            given++;
            // By content, not name: a phone's HEIC may arrive named .jpg.
            if (HeifDecoder.isHeif(in.path())) {
                heif.add(in.path());
                continue;
            }
            String name = in.path().getFileName().toString();
            // A JPEG or PNG named .heic (the API checks content, not names): the readers pick by extension.
            if (extension(name).equals("heic") || extension(name).equals("heif")) name += ".jpg";
            Path link = photos.resolve(name);
            if (Files.exists(link)) continue; // same base name twice: the API never sends that
            linkOrCopy(in.path(), link);
        }
        if (!heif.isEmpty()) {
            HeifPhotos.Result r = HeifPhotos.decodeAll(heif, photos, ctx.job().capabilities().threads(), ctx.progress());
            ObjectNode h = ctx.metrics().putObject("heic");
            h.put("photos", r.decoded());
            h.put("seconds", SfmStage.round(r.seconds(), 2));
        }
        int fromVideo = framesFromVideos(ctx, options, photos);
        given += fromVideo;
        double decodeFrom = fromVideo > 0 ? 0.5 : 0; // a video's own pass reported 0..0.5
        if (given == 0) throw new StageFailedException("the upload holds no photos (JPEG, PNG or HEIC)");

        ProgressListener listener = ctx.progress();
        ProgressListener decode = new ProgressListener() {
            @Override public void onProgress(Progress p) {
                listener.onProgress(Progress.of(NAME, decodeFrom + (0.8 - decodeFrom) * p.fraction(), Double.NaN, p.message()));
            }
            @Override public boolean cancelRequested() { return listener.cancelRequested(); }
        };
        int threads = Math.max(1, ctx.job().capabilities().threads());
        IngestResult read = new PhotoIngest(new PhotoIngest.Options(options.maxResolution(), 1, threads)).ingest(photos, decode);

        Path out = Files.createDirectories(ctx.workDir().resolve("ingest/images"));
        Path masks = masksDir(ctx);
        ObjectNode autoMasks = null;
        if (masks == null && options.autoMasks()) {
            autoMasks = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (options.crop() == PhotoJobOptions.Crop.NONE) {
                // Masks would take the backdrop out of the splat: crop=none asks for the whole scene.
                autoMasks.put("used", false).put("reason", "crop=none keeps the whole scene");
            } else {
                listener.onProgress(Progress.of(NAME, 0.8, Double.NaN, "looking for a plain backdrop"));
                masks = AutoMasks.estimate(read.images(), ctx, threads, autoMasks);
            }
        }
        int masked = 0;
        List<IngestedImage> kept = new ArrayList<>();
        List<RejectedImage> rejected = new ArrayList<>(read.rejected());
        int done = 0;
        for (IngestedImage im : read.images()) {
            listener.checkCancelled();
            BufferedImage small = prepared(im, options.background());
            java.util.Optional<Path> mask = FeatureMask.maskFor(masks, im.name());
            float[] coverage = null;
            if (mask.isPresent()) {
                coverage = maskCoverage(im, small, mask.get());
                small = ObjectMasks.composite(small, coverage, options.background());
                masked++;
            }
            if (Math.min(small.getWidth(), small.getHeight()) < MIN_SIDE) {
                rejected.add(new RejectedImage(im.name(), "too small: " + im.width() + "x" + im.height()
                        + " (the shorter side needs at least " + MIN_SIDE + " px)"));
                continue;
            }
            Path target = out.resolve(im.name());
            write(small, target);
            // which pixels are the photo: the mesh step carves and colours with it, and training can put other
            // backgrounds behind the photo (TrainConfig.maskedBackground)
            if (coverage != null) ObjectMasks.writeCoverage(coverage, small.getWidth(), small.getHeight(),
                    ViewMasks.coverageFile(coverageDir(out), im.name()));
            double scale = (double) small.getWidth() / im.width();
            OptionalDouble focal = im.focalPriorPx().isPresent()
                    ? OptionalDouble.of(im.focalPriorPx().getAsDouble() * scale) : OptionalDouble.empty();
            kept.add(new IngestedImage(im.name(), target, small.getWidth(), small.getHeight(),
                    new ExifInfo(1, Double.NaN, Double.NaN, Double.NaN, im.exif().cameraModel()),
                    focal, small, 1, 1));
            done++;
            listener.onProgress(Progress.of(NAME, 0.8 + 0.2 * done / read.images().size(), Double.NaN,
                    done + "/" + read.images().size() + " photos prepared"));
        }
        rejected.sort(java.util.Comparator.comparing(RejectedImage::name));

        ObjectNode m = ctx.metrics().putObject("ingest");
        m.put("imagesGiven", given);
        m.put("imagesAccepted", kept.size());
        ArrayNode rej = m.putArray("rejectedImages");
        for (RejectedImage r : rejected) rej.addObject().put("name", r.name()).put("reason", r.reason());
        if (!kept.isEmpty()) m.put("resolution", kept.get(0).width() + "x" + kept.get(0).height());
        m.put("photosMasked", masked);
        if (autoMasks != null) m.set("autoMasks", autoMasks);

        if (kept.isEmpty()) {
            throw new StageFailedException("none of the " + given + " photos could be used: " + rejected.stream()
                    .map(r -> r.name() + " (" + r.reason() + ")").collect(Collectors.joining(", ")));
        }
        ctx.shared().put(OUTPUT, new Output(out, photos, List.copyOf(kept), List.copyOf(rejected), fromVideo > 0, masks,
                autoMasks != null && masks != null));
        listener.onProgress(Progress.of(NAME, 1, 0, kept.size() + " photos ready"
                + (rejected.isEmpty() ? "" : ", " + rejected.size() + " set aside")));
    }

    /** {@code link} as a hard link to {@code file} (no copy of a large photo), or a copy where links are not possible. */
    static void linkOrCopy(Path file, Path link) throws IOException {
        try {
            Files.createLink(link, file);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, link);
        }
    }

    /**
     * Frames of the job's video (if it has one) written into {@code photos} as JPEG: spaced by the camera's motion,
     * the sharpest of each stretch, at most {@code videoFrames}, no larger than SfM reads them. Returns how many.
     */
    private static int framesFromVideos(StageContext ctx, PhotoJobOptions options, Path photos) {
        int frames = 0;
        for (JobInput in : ctx.inputs()) {
            if (!VIDEO_EXTENSIONS.contains(extension(in.name()))) continue;
            Ffmpeg tools = Ffmpeg.find().orElseThrow(() -> new StageFailedException(Ffmpeg.missingReason()));
            String base = in.path().getFileName().toString().replaceFirst("\\.[^.]*$", "");
            ProgressListener listener = ctx.progress();
            ProgressListener video = new ProgressListener() {
                @Override public void onProgress(Progress p) {
                    listener.onProgress(Progress.of(NAME, 0.5 * p.fraction(), Double.NaN, "video: " + p.message()));
                }
                @Override public boolean cancelRequested() { return listener.cancelRequested(); }
            };
            VideoFrames.Result r;
            try {
                r = VideoFrames.extract(tools, in.path(), photos, base,
                        new VideoFrames.Options(options.videoFrames(), options.sfmResolution(), MAX_VIDEO_SECONDS), video);
            } catch (VideoException e) {
                throw new StageFailedException(in.name() + ": " + e.getMessage());
            }
            ObjectNode m = ctx.metrics().putObject("video");
            m.put("name", in.name());
            m.put("codec", r.probe().codec());
            m.put("size", r.probe().width() + "x" + r.probe().height());
            m.put("durationSeconds", SfmStage.round(r.probe().durationSeconds(), 3));
            m.put("frameRate", SfmStage.round(r.probe().frameRate(), 3));
            m.put("framesDecoded", r.framesDecoded());
            m.put("framesChosen", r.frames().size());
            m.put("motionStepPixels", SfmStage.round(r.stepPixels(), 2));
            m.put("totalMotionPixels", SfmStage.round(r.totalMotionPixels(), 1));
            m.put("medianSharpness", SfmStage.round(r.medianSharpness(), 1));
            m.put("chosenMedianSharpness", SfmStage.round(r.chosenMedianSharpness(), 1));
            m.put("seconds", SfmStage.round(r.seconds(), 2));
            frames += r.frames().size();
        }
        return frames;
    }

    /**
     * The photo upright at the job's resolution. PhotoIngest's copy is used as is, except for photos with an alpha
     * channel (NeRF-synthetic scenes), which are composited over the job's background first.
     */
    private static BufferedImage prepared(IngestedImage im, float[] background) throws IOException {
        if (!extension(im.name()).equals("png")) return im.small(); // JPEG has no alpha channel
        BufferedImage raw = ImageIO.read(im.path().toFile());
        if (raw == null || !raw.getColorModel().hasAlpha()) return im.small();
        BufferedImage up = ImageOrientation.apply(raw, im.exif().orientation());
        int w = up.getWidth(), h = up.getHeight();
        int[] argb = up.getRGB(0, 0, w, h, null, 0, w);
        float[] alpha = new float[argb.length];
        for (int i = 0; i < argb.length; i++) alpha[i] = ((argb[i] >>> 24) & 255) / 255f;
        BufferedImage rgb = ObjectMasks.composite(up, alpha, background);
        return AreaResampler.downscale(rgb, im.small().getWidth(), im.small().getHeight());
    }

    /** Where the coverage of the images in {@code imagesDir} is kept: {@code coverage/} beside it. */
    static Path coverageDir(Path imagesDir) {
        return imagesDir.resolveSibling("coverage");
    }

    /**
     * The photo's mask as coverage of the prepared photo, grown by {@link ObjectMasks#marginPx()}: the prepared photo
     * is composited over the job's background with it, so that what the mask calls not the object (a table, a sweep,
     * a room) becomes plain background, which the Gaussians leave transparent.
     */
    private static float[] maskCoverage(IngestedImage im, BufferedImage small, Path maskFile) {
        BufferedImage mask;
        try {
            mask = ObjectMasks.read(maskFile);
        } catch (IOException e) {
            throw new StageFailedException(e.getMessage() + " (the mask of " + im.name() + ")");
        }
        if (mask.getWidth() != im.width() || mask.getHeight() != im.height()) {
            throw new StageFailedException("the mask " + maskFile.getFileName() + " is " + mask.getWidth() + "x"
                    + mask.getHeight() + " but its photo " + im.name() + " is " + im.width() + "x" + im.height()
                    + " (upright): a mask must have its photo's size");
        }
        return ObjectMasks.trustedCoverage(mask, small.getWidth(), small.getHeight());
    }

    /** The job's masks (inputs in a {@code masks/} folder) gathered into one folder by file name, or null when none. */
    static Path masksDir(StageContext ctx) throws IOException {
        Path dir = null;
        for (JobInput in : ctx.inputs()) {
            if (!FeatureMask.isMaskPath(in.name())) continue;
            if (dir == null) dir = Files.createDirectories(ctx.workDir().resolve("ingest/masks"));
            String name = in.path().getFileName().toString();
            // A HEIC photo reaches SfM as <stem>.png (HeifPhotos): its mask IMG_1.HEIC.png is read as IMG_1.png.
            name = name.replaceFirst("(?i)\\.hei[cf]\\.png$", ".png");
            Path link = dir.resolve(name);
            if (!Files.exists(link)) linkOrCopy(in.path(), link);
        }
        return dir;
    }

    /** Writes PNG for .png names, high-quality JPEG otherwise (the name keeps its extension). */
    static void write(BufferedImage img, Path target) throws IOException {
        Files.deleteIfExists(target);
        if (extension(target.getFileName().toString()).equals("png")) {
            ImageIO.write(img, "png", target.toFile());
            return;
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpg").next();
        ImageWriteParam param = w.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (ImageOutputStream os = ImageIO.createImageOutputStream(target.toFile())) {
            w.setOutput(os);
            w.write(null, new IIOImage(img, null, null), param);
        } finally {
            w.dispose();
        }
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
