package dev.forge3d.worker.cli;

import dev.forge3d.runtime.sfm.IntrinsicsFile;
import dev.forge3d.runtime.sfm.SfmOptions;
import dev.forge3d.runtime.sfm.SfmOutputWriter;
import dev.forge3d.runtime.sfm.SfmResult;
import dev.forge3d.runtime.sfm.StructureFromMotion;
import dev.forge3d.runtime.sfm.features.FeatureMask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code forge3d sfm}: camera poses and sparse points from a folder of photos, written as a COLMAP model. */
@Command(name = "sfm", mixinStandardHelpOptions = true,
        description = {"Structure from motion: recovers camera poses and a sparse point cloud from a folder of photos.",
            "Writes OUT/sparse/0/{cameras,images,points3D}.txt (PINHOLE), OUT/images/ (upright, undistorted) and OUT/metrics.json."})
public final class SfmCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of JPEG, PNG or HEIC/HEIF photos (HEIC decoded with libheif's tools, as jobs do).")
    Path images;

    @Option(names = "--intrinsics", paramLabel = "FILE",
            description = "Known intrinsics, trusted and held fixed: a 3x3 K matrix (K.txt) or a COLMAP cameras.txt with one camera. "
                    + "Without it, focal length and one radial term are self-calibrated.")
    Path intrinsics;

    @Option(names = "--masks", paramLabel = "DIR",
            description = "Per-photo masks (white = the object, black = ignore): keypoints on black parts are dropped. "
                    + "A mask is a PNG of its photo's upright size named <photo file name>.png (v000.jpg.png) or <photo stem>.png; "
                    + "photos without one are used whole.")
    Path masks;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--max-image-size", paramLabel = "PX", defaultValue = "3072",
            description = "Features are extracted on photos downscaled to this longest side (default: ${DEFAULT-VALUE}).")
    int maxImageSize;

    @Option(names = "--max-features", paramLabel = "N", defaultValue = "10000",
            description = "Keypoints per photo (default: ${DEFAULT-VALUE}).")
    int maxFeatures;

    @Option(names = "--sequential", paramLabel = "N",
            description = "Photos are frames of a video in name order: match each with its next N frames and frames 2^k further "
                    + "(default: retrieval).")
    Integer sequential;

    @Option(names = "--retrieval", paramLabel = "K",
            description = "Match each photo with the K photos that share most matches among their largest keypoints "
                    + "(the default, K = " + dev.forge3d.runtime.sfm.PairSelection.UNORDERED_NEIGHBOURS
                    + "; sets of at most K + 1 photos are matched exhaustively).")
    Integer retrieval;

    @Option(names = "--exhaustive", description = "Match every pair of photos (quadratic in the number of photos).")
    boolean exhaustive;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(images)) throw new IllegalArgumentException("--images: not a folder: " + images);
        if (masks != null && !Files.isDirectory(masks)) throw new IllegalArgumentException("--masks: not a folder: " + masks);
        if (maxImageSize < 200) throw new IllegalArgumentException("--max-image-size must be at least 200");
        if (maxFeatures < 100) throw new IllegalArgumentException("--max-features must be at least 100");
        SfmOptions options = SfmOptions.defaults().withFeatureMaxDimension(maxImageSize).withMaxFeatures(maxFeatures);
        if (threads != null) options = options.withThreads(threads);
        if (sequential != null) {
            if (sequential < 1) throw new IllegalArgumentException("--sequential must be at least 1");
            options = options.withPairs(dev.forge3d.runtime.sfm.PairSelection.sequential(sequential));
        }
        if ((sequential != null ? 1 : 0) + (retrieval != null ? 1 : 0) + (exhaustive ? 1 : 0) > 1) {
            throw new IllegalArgumentException("--sequential, --retrieval and --exhaustive exclude each other");
        }
        if (retrieval != null) {
            if (retrieval < 1) throw new IllegalArgumentException("--retrieval must be at least 1");
            options = options.withPairs(dev.forge3d.runtime.sfm.PairSelection.retrieval(retrieval));
        }
        if (exhaustive) options = options.withPairs(dev.forge3d.runtime.sfm.PairSelection.exhaustive());
        if (intrinsics != null) {
            if (!Files.isRegularFile(intrinsics)) throw new IllegalArgumentException("--intrinsics: no such file: " + intrinsics);
            options = options.withIntrinsics(IntrinsicsFile.read(intrinsics));
        }
        long t0 = System.nanoTime();
        SfmResult result;
        int heic;
        FeatureMask featureMask = FeatureMask.folder(masks);
        try {
            try (ConsoleProgressBar bar = new ConsoleProgressBar(System.out)) {
                Thread hook = new Thread(bar::requestCancel);
                Runtime.getRuntime().addShutdownHook(hook);
                try (PhotoFolder photos = PhotoFolder.open(images, out, options.threads(), bar)) {
                    heic = photos.heicPhotos();
                    result = new StructureFromMotion(options, featureMask).run(photos.dir(), bar);
                    SfmOutputWriter.write(result, out, bar);
                } finally {
                    try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { }
                }
            }
        } finally {
            // Also when SfM fails: with masks, too few keypoints left is a likely reason.
            if (masks != null) {
                FeatureMask.Stats ms = featureMask.stats();
                System.out.printf(Locale.ROOT, "masks: %d photos masked, %d of their %d keypoints dropped%n",
                        ms.photosMasked(), ms.keypointsDropped(), ms.keypointsOnMaskedPhotos());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (heic > 0) System.out.printf(Locale.ROOT, "decoded %d HEIC/HEIF photos (named <name>.png below)%n", heic);
        System.out.printf(Locale.ROOT, "registered %d/%d images, %d points, mean reprojection error %.3f px, mean track length %.2f%n",
                result.scene().registeredCount(), result.images().size(), result.scene().pointCount(),
                result.meanReprojectionErrorPx(), result.meanTrackLength());
        if (!result.unregisteredImages().isEmpty()) {
            System.out.println("not placed: " + String.join(", ", result.unregisteredImages()));
        }
        result.rejected().forEach(r -> System.out.println("skipped " + r.name() + ": " + r.reason()));
        var check = result.validation();
        var agreement = check.checks().pairAgreement();
        System.out.printf(Locale.ROOT, "checks passed: median triangulation angle %.2f deg, camera spread %.3f, median %d points"
                        + " per photo, %d of %d strong pairs contradicted; initial pair %s (%.1f deg, H/E %.2f); focal start: %s;"
                        + " %d reconstruction(s); %d still matches dropped%n",
                check.checks().medianTriangulationDeg(), check.checks().cameraSpread(), check.checks().medianPointsPerImage(),
                agreement.contradicted(), agreement.strongPairs(),
                check.initialPair(), check.initialPairMedianAngleDeg(), check.initialPairHomographyRatio(), check.lensStart(),
                check.attempts(), result.staticMatchesDropped());
        StringBuilder phases = new StringBuilder();
        result.secondsPerPhase().forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.1fs", k, v)));
        System.out.printf(Locale.ROOT, "time %.1fs:%s%n", seconds, phases);
        System.out.println("wrote " + out.resolve("sparse").resolve("0") + ", " + out.resolve("images") + ", " + out.resolve("metrics.json"));
        return 0;
    }
}
