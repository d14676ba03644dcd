package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.dataset.colmap.ColmapDatasetLoader;
import dev.forge3d.runtime.dataset.colmap.ColmapModel;
import dev.forge3d.runtime.dataset.colmap.ColmapModelReader;
import dev.forge3d.runtime.dataset.colmap.ColmapTextWriter;
import dev.forge3d.runtime.image.ObjectMasks;
import dev.forge3d.runtime.image.ingest.IngestResult;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.PhotoIngest;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.ImageUndistorter;
import dev.forge3d.runtime.sfm.PairSelection;
import dev.forge3d.runtime.sfm.SfmException;
import dev.forge3d.runtime.sfm.SfmOptions;
import dev.forge3d.runtime.sfm.SfmOutputWriter;
import dev.forge3d.runtime.sfm.SfmResult;
import dev.forge3d.runtime.sfm.StructureFromMotion;
import dev.forge3d.runtime.sfm.features.FeatureMask;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.worker.pipeline.JobInput;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Camera poses for the prepared photos, as a scene folder the trainer loads ({@code images/} plus a COLMAP
 * {@code sparse/0} model, or a {@code transforms.json}).
 * <ul>
 *   <li>Poses in the upload (a NeRF-synthetic {@code transforms.json} / {@code transforms_train.json}, or a COLMAP
 *       model: {@code cameras}, {@code images}, {@code points3D} as .txt or .bin): SfM is skipped; the poses are
 *       rescaled to the prepared photos.</li>
 *   <li>Otherwise structure from motion registers the photos; photos it cannot place, or a set from which no model
 *       passes SfM's validation (e.g. photos taken from one spot), make the job fail with "could not register ..."
 *       naming them and giving SfM's reason. The result is saved as the job's checkpoint {@code sfm/scene.zip},
 *       so a later attempt (after a lost lease) reuses it instead of running SfM again.</li>
 * </ul>
 */
public final class SfmStage implements Stage {

    public static final String NAME = "sfm";
    /** Shared key of the {@link Output}. */
    public static final String OUTPUT = "scene";
    static final String CHECKPOINT = "sfm/scene.zip";
    /** Frames of a video are matched with this many next frames (and 2^k further). */
    static final int VIDEO_NEIGHBOURS = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SUMMARY = "sfm-summary.json";

    /**
     * @param sceneDir        a dataset folder for {@code DatasetLoader}
     * @param posesSupplied   true when the upload carried poses (SfM skipped)
     * @param colmapModelDir  the COLMAP text model of the scene, when there is one (for the {@code cameras/} artifact)
     */
    public record Output(Path sceneDir, boolean posesSupplied, Optional<Path> colmapModelDir) { }

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        IngestStage.Output ingest = ctx.shared(IngestStage.OUTPUT, IngestStage.Output.class)
                .orElseThrow(() -> new IllegalStateException("the ingest stage did not run"));
        PhotoJobOptions options = ctx.shared(IngestStage.OPTIONS, PhotoJobOptions.class).orElseThrow();
        Path scene = ctx.workDir().resolve("scene");
        ObjectNode m = ctx.metrics().putObject("sfm");

        Optional<JobInput> transforms = ctx.inputs().stream()
                .filter(i -> fileName(i).equals("transforms.json") || fileName(i).equals("transforms_train.json"))
                .findFirst();
        Optional<Path> colmap = colmapModelIn(ctx.inputs());
        if (transforms.isPresent()) {
            int used = posedFromTransforms(transforms.get().path(), ingest, scene);
            skipped(ctx, m, "poses supplied in " + transforms.get().name(), used, ingest);
            ctx.shared().put(OUTPUT, new Output(scene, true, Optional.empty()));
            return;
        }
        if (colmap.isPresent()) {
            int used = posedFromColmap(colmap.get(), ingest, scene);
            skipped(ctx, m, "poses supplied as a COLMAP model (" + ctx.inputsDir().relativize(colmap.get()) + ")", used, ingest);
            ctx.shared().put(OUTPUT, new Output(scene, true, Optional.of(scene.resolve("sparse/0"))));
            return;
        }

        Path zip = ctx.workDir().resolve("sfm-checkpoint.zip");
        if (ctx.checkpoints().fetch(CHECKPOINT, zip)) {
            SceneArchive.unzip(zip, scene);
            JsonNode summary = JSON.readTree(scene.resolve(SUMMARY).toFile());
            m.setAll((ObjectNode) summary);
            m.put("reusedFromCheckpoint", true);
            ctx.progress().onProgress(Progress.of(NAME, 1, 0, "reused the poses of an earlier attempt"));
            ctx.shared().put(OUTPUT, new Output(scene, false, Optional.of(scene.resolve("sparse/0"))));
            return;
        }

        int threads = Math.max(1, ctx.job().capabilities().threads());
        SfmOptions sfmOptions = SfmOptions.defaults().withThreads(threads)
                .withFeatureMaxDimension(options.sfmResolution())
                .withMaxFeatures(options.sfmFeatures())
                // A video's frames are in time order: neighbours in time overlap, far ones rarely (COLMAP's sequential).
                .withPairs(ingest.fromVideo() ? PairSelection.sequential(VIDEO_NEIGHBOURS) : PairSelection.unordered());
        Map<String, Double> seconds = new LinkedHashMap<>();
        SfmResult result;
        FeatureMask masks;
        String maskedFailure = null;
        try {
            // SfM reads the photos at its own resolution (sfmResolution), not at the training size: small photos
            // lose the features that tie the views together. The model is written at the training size below.
            long t0 = System.nanoTime();
            IngestResult photos = sfmPhotos(ingest, ctx.workDir().resolve("sfm-photos"), options.sfmResolution(), threads, ctx.progress());
            seconds.put("ingest", (System.nanoTime() - t0) / 1e9);
            masks = FeatureMask.folder(ingest.masksDir());
            try {
                result = new StructureFromMotion(sfmOptions, masks).run(photos, phases(ctx.progress()), seconds);
            } catch (SfmException masked) {
                if (ingest.masksDir() == null) throw masked;
                // Object masks leave structure from motion only the object's own keypoints: a small or plain
                // product may not tie the photos together where its surroundings would. Once more, whole photos.
                maskedFailure = masked.getMessage();
                ctx.progress().onProgress(Progress.of(NAME, 0, Double.NaN, "the object alone did not register the photos ("
                        + maskedFailure + "); trying again with the whole photos"));
                result = new StructureFromMotion(sfmOptions, FeatureMask.none()).run(photos, phases(ctx.progress()), seconds);
            }
        } catch (SfmException e) {
            List<String> names = e.images();
            String which = names.isEmpty() ? "the photos" : names.size() + " of " + ingest.images().size()
                    + " photos (" + String.join(", ", names.size() > 20 ? names.subList(0, 20) : names)
                    + (names.size() > 20 ? ", ..." : "") + ")";
            throw new StageFailedException("could not register " + which + ": " + e.getMessage()
                    + (maskedFailure == null ? "" : " (tried with the masks first: " + maskedFailure + ")"));
        }
        SfmOutputWriter.write(result, scene, options.maxResolution(), sub(ctx.progress(), 0.95, 1.0));
        int trainingMasked = ingest.masksDir() == null ? 0
                : maskTrainingImages(result, scene.resolve("images"), ingest.masksDir(), options.background());

        ObjectNode summary = JSON.createObjectNode();
        summary.put("skipped", false);
        summary.put("imagesGiven", ingest.images().size());
        summary.put("imagesRegistered", result.scene().registeredCount());
        ArrayNode un = summary.putArray("unregisteredImages");
        result.unregisteredImages().forEach(un::add);
        summary.put("points", result.scene().pointCount());
        summary.put("featureResolution", options.sfmResolution());
        summary.put("pairSelection", sfmOptions.pairs().toString());
        result.images().stream().findFirst().ifPresent(im -> summary.put("photoResolution",
                im.small().getWidth() + "x" + im.small().getHeight()));
        // Matches that stayed on their pixel (a turntable's still background), left out of every pair.
        summary.put("staticMatchesDropped", result.staticMatchesDropped());
        summary.put("meanReprojectionErrorPx", round(result.meanReprojectionErrorPx(), 4));
        summary.put("meanTrackLength", round(result.meanTrackLength(), 3));
        summary.put("selfCalibrated", result.selfCalibrated());
        // Why the model is trusted: initial pair (triangulation angle, H/E ratio) and the validation checks.
        summary.set("validation", JSON.valueToTree(result.validation().toMap()));
        // Per-photo masks (masks/ in the upload): how many photos had one, and the keypoints they dropped.
        FeatureMask.Stats ms = masks.stats();
        ObjectNode maskSummary = summary.putObject("masks").put("photos", ms.photosMasked()).put("keypointsDropped", ms.keypointsDropped())
                .put("keypointsOnMaskedPhotos", ms.keypointsOnMaskedPhotos());
        if (maskedFailure != null) maskSummary.put("ignoredAfter", maskedFailure);
        maskSummary.put("trainingImagesMasked", trainingMasked);
        ObjectNode phaseSeconds = summary.putObject("secondsPerPhase");
        seconds.forEach((k, v) -> phaseSeconds.put(k, round(v, 3)));
        Files.write(scene.resolve(SUMMARY), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        m.setAll(summary);
        m.put("reusedFromCheckpoint", false);

        SceneArchive.zip(scene, zip);
        ctx.checkpoints().save(CHECKPOINT, zip);
        ctx.shared().put(OUTPUT, new Output(scene, false, Optional.of(scene.resolve("sparse/0"))));
    }

    /**
     * The training images SfM wrote (undistorted, at the training size) composited over the job's background with
     * their masks, undistorted by the same lens and grown by {@link ObjectMasks#marginPx()}, that coverage written
     * beside them ({@link ViewMasks#coverageFile}): what {@link IngestStage} does for photos with poses.
     */
    private static int maskTrainingImages(SfmResult r, Path imagesDir, Path masksDir, float[] background) throws IOException {
        int masked = 0;
        for (int i = 0; i < r.images().size(); i++) {
            if (!r.scene().registered[i]) continue;
            IngestedImage im = r.images().get(i);
            Optional<Path> maskFile = FeatureMask.maskFor(masksDir, im.name());
            if (maskFile.isEmpty()) continue;
            Path target = imagesDir.resolve(im.name());
            BufferedImage photo = ImageIO.read(target.toFile());
            BufferedImage mask = ObjectMasks.read(maskFile.get());
            LensModel lens = r.scene().lenses.get(i);
            if (lens.k1 != 0) mask = ImageUndistorter.undistort(mask, lens);
            float[] coverage = ObjectMasks.trustedCoverage(mask, photo.getWidth(), photo.getHeight());
            IngestStage.write(ObjectMasks.composite(photo, coverage, background), target);
            ObjectMasks.writeCoverage(coverage, photo.getWidth(), photo.getHeight(),
                    ViewMasks.coverageFile(IngestStage.coverageDir(imagesDir), im.name()));
            masked++;
        }
        return masked;
    }

    /**
     * The accepted photos (ingest's names) read again from the originals, no larger than {@code maxSide}, with their
     * EXIF focal lengths. Ingest's own copies are already at the training size.
     */
    private static IngestResult sfmPhotos(IngestStage.Output ingest, Path dir, int maxSide, int threads,
                                          ProgressListener progress) throws IOException {
        Files.createDirectories(dir);
        for (IngestedImage im : ingest.images()) {
            Path original = ingest.originalsDir().resolve(im.name());
            Path link = dir.resolve(im.name());
            if (!Files.exists(link)) IngestStage.linkOrCopy(original, link);
        }
        ProgressListener reading = new ProgressListener() {
            @Override public void onProgress(Progress p) {
                progress.onProgress(Progress.of(NAME, 0, Double.NaN, "reading photos " + p.message()));
            }
            @Override public boolean cancelRequested() { return progress.cancelRequested(); }
        };
        return new PhotoIngest(new PhotoIngest.Options(maxSide, 1, threads)).ingest(dir, reading);
    }

    private static void skipped(StageContext ctx, ObjectNode m, String why, int used, IngestStage.Output ingest) {
        m.put("skipped", true);
        m.put("reason", why);
        m.put("imagesGiven", ingest.images().size());
        m.put("imagesRegistered", used);
        ctx.progress().onProgress(Progress.of(NAME, 1, 0, "skipped: " + why));
    }

    /** SfM's phases (features, matching, mapping) mapped onto this stage's 0..0.95. */
    private static ProgressListener phases(ProgressListener l) {
        Map<String, double[]> ranges = Map.of("sfm.features", new double[] {0, 0.3}, "sfm.matching", new double[] {0.3, 0.6},
                "sfm.mapping", new double[] {0.6, 0.95});
        return new ProgressListener() {
            @Override public void onProgress(Progress p) {
                double[] r = ranges.getOrDefault(p.stage(), new double[] {0, 0});
                l.onProgress(Progress.of(NAME, r[0] + (r[1] - r[0]) * p.fraction(), Double.NaN, p.stage().replace("sfm.", "") + " " + p.message()));
            }
            @Override public boolean cancelRequested() { return l.cancelRequested(); }
        };
    }

    private static ProgressListener sub(ProgressListener l, double from, double to) {
        return new ProgressListener() {
            @Override public void onProgress(Progress p) {
                l.onProgress(Progress.of(NAME, from + (to - from) * p.fraction(), Double.NaN, p.message()));
            }
            @Override public boolean cancelRequested() { return l.cancelRequested(); }
        };
    }

    /** The folder of an uploaded COLMAP model: it holds cameras and images files (.txt or .bin). */
    static Optional<Path> colmapModelIn(List<JobInput> inputs) {
        for (JobInput in : inputs) {
            String n = fileName(in);
            if (n.equals("cameras.txt") || n.equals("cameras.bin")) {
                Path dir = in.path().getParent();
                if (ColmapModelReader.isModel(dir)) return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static String fileName(JobInput in) {
        String n = in.name();
        return n.substring(n.lastIndexOf('/') + 1);
    }

    /** Prepared photos by name, and by name without extension (transforms.json's file_path has none). */
    private static Map<String, IngestedImage> byName(IngestStage.Output ingest) {
        Map<String, IngestedImage> m = new HashMap<>();
        for (IngestedImage im : ingest.images()) {
            m.put(im.name(), im);
            m.putIfAbsent(im.name().replaceFirst("\\.[^.]+$", ""), im);
        }
        return m;
    }

    private static int posedFromTransforms(Path transforms, IngestStage.Output ingest, Path scene) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(transforms.toFile());
        } catch (RuntimeException e) {
            throw new StageFailedException("transforms.json is not valid JSON: " + e.getMessage());
        }
        if (!root.isObject() || !root.path("frames").isArray() || !root.path("camera_angle_x").isNumber()) {
            throw new StageFailedException("transforms.json needs camera_angle_x and a frames array");
        }
        Map<String, IngestedImage> photos = byName(ingest);
        Path images = Files.createDirectories(scene.resolve("images"));
        ObjectNode out = ((ObjectNode) root).deepCopy();
        ArrayNode frames = out.putArray("frames");
        List<String> missing = new ArrayList<>();
        for (JsonNode f : root.get("frames")) {
            String fp = f.path("file_path").asString("");
            String base = fp.substring(fp.lastIndexOf('/') + 1);
            IngestedImage im = photos.get(base);
            if (im == null) {
                missing.add(base);
                continue;
            }
            copyWithCoverage(im, images);
            ObjectNode copy = ((ObjectNode) f).deepCopy();
            copy.put("file_path", "images/" + im.name());
            frames.add(copy);
        }
        if (frames.isEmpty()) {
            throw new StageFailedException("transforms.json names no photo of the upload (looked for: "
                    + missing.stream().limit(10).collect(Collectors.joining(", ")) + ")");
        }
        Files.write(scene.resolve("transforms.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        return frames.size();
    }

    private static int posedFromColmap(Path modelDir, IngestStage.Output ingest, Path scene) throws IOException {
        ColmapModel model;
        try {
            model = ColmapModelReader.read(modelDir);
        } catch (RuntimeException e) {
            throw new StageFailedException("the uploaded COLMAP model cannot be read: " + e.getMessage());
        }
        Map<String, IngestedImage> photos = byName(ingest);
        Path images = Files.createDirectories(scene.resolve("images"));
        Map<Integer, ColmapTextWriter.CameraEntry> cameras = new LinkedHashMap<>();
        List<ColmapTextWriter.ImageEntry> entries = new ArrayList<>();
        for (ColmapModel.Image im : model.images()) {
            IngestedImage photo = photos.get(im.name().substring(im.name().lastIndexOf('/') + 1));
            if (photo == null) continue;
            ColmapModel.CameraModel c = model.cameras().get(im.cameraId());
            Intrinsics k;
            try {
                k = ColmapDatasetLoader.intrinsics(c);
            } catch (IllegalArgumentException e) {
                throw new StageFailedException(e.getMessage());
            }
            double sx = (double) photo.width() / c.width(), sy = (double) photo.height() / c.height();
            cameras.putIfAbsent(c.id(), new ColmapTextWriter.CameraEntry(c.id(), new Intrinsics(photo.width(), photo.height(),
                    k.fx() * sx, k.fy() * sy, k.cx() * sx, k.cy() * sy)));
            copyWithCoverage(photo, images);
            entries.add(new ColmapTextWriter.ImageEntry(im.id(), photo.name(), c.id(), im.pose(), new double[0], new long[0]));
        }
        if (entries.isEmpty()) throw new StageFailedException("the uploaded COLMAP model names no photo of the upload");
        List<ColmapTextWriter.PointEntry> points = new ArrayList<>();
        float[] p = model.points(), col = model.colours();
        for (int i = 0; i < p.length / 3; i++) {
            points.add(new ColmapTextWriter.PointEntry(i + 1, p[3 * i], p[3 * i + 1], p[3 * i + 2], rgb(col[3 * i]),
                    rgb(col[3 * i + 1]), rgb(col[3 * i + 2]), 0, new int[0]));
        }
        ColmapTextWriter.write(scene.resolve("sparse/0"), List.copyOf(cameras.values()), entries, points);
        return entries.size();
    }

    private static int rgb(float v) { return Math.max(0, Math.min(255, Math.round(v * 255))); }

    /** The prepared photo into the scene's images, and its coverage (a masked photo's, {@link IngestStage}) beside them. */
    private static void copyWithCoverage(IngestedImage photo, Path images) throws IOException {
        copy(photo.path(), images.resolve(photo.name()));
        Path coverage = ViewMasks.coverageFile(IngestStage.coverageDir(photo.path().getParent()), photo.name());
        if (Files.isRegularFile(coverage)) {
            Path dir = Files.createDirectories(IngestStage.coverageDir(images));
            copy(coverage, dir.resolve(coverage.getFileName()));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static double round(double v, int digits) {
        if (!Double.isFinite(v)) return v;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
