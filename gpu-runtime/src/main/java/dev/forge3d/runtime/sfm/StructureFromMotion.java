package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.image.ingest.IngestResult;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.PhotoIngest;
import dev.forge3d.runtime.image.ingest.RejectedImage;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.features.FeatureMask;
import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.features.SiftExtractor;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import dev.forge3d.runtime.sfm.geometry.TwoViewVerifier;
import dev.forge3d.runtime.sfm.mapper.IncrementalMapper;
import dev.forge3d.runtime.sfm.mapper.ModelValidator;
import dev.forge3d.runtime.sfm.mapper.ValidatedReconstruction;
import dev.forge3d.runtime.sfm.mapper.Tracks;
import dev.forge3d.runtime.sfm.matching.DescriptorMatcher;
import dev.forge3d.runtime.sfm.matching.StaticMatchFilter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Structure from motion over a folder of photos: ingest -> SIFT features -> matching ({@link PairSelection}) with geometric
 * verification -> incremental mapping with bundle adjustment. Reports progress per phase (stage names
 * {@code sfm.ingest}, {@code sfm.features}, {@code sfm.matching}, {@code sfm.mapping}) and honours cancellation
 * between units of work. Failures a user can act on are {@link SfmException}s naming the photos concerned.
 * Features and matching run on {@link SfmOptions#threads()} threads, which report progress concurrently: the
 * listener must be thread-safe. Write the result with {@link SfmOutputWriter}.
 */
public final class StructureFromMotion {

    private final SfmOptions options;
    private final FeatureMask masks;

    public StructureFromMotion(SfmOptions options) {
        this(options, FeatureMask.none());
    }

    /** With per-photo masks: keypoints on their black parts are dropped ({@link FeatureMask#stats()} counts them). */
    public StructureFromMotion(SfmOptions options, FeatureMask masks) {
        this.options = options;
        this.masks = masks;
    }

    public SfmResult run(Path imagesDir, ProgressListener listener) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        cpuMark = cpuSeconds();
        IngestResult ingest = new PhotoIngest(new PhotoIngest.Options(options.featureMaxDimension(), 200, options.threads()))
                .ingest(imagesDir, listener);
        seconds.put("ingest", since(t0));
        debugCpu("ingest");
        return run(ingest, listener, seconds);
    }

    public SfmResult run(IngestResult ingest, ProgressListener listener, Map<String, Double> seconds) {
        List<IngestedImage> images = ingest.images();
        if (images.size() < 3) {
            String rej = ingest.rejected().isEmpty() ? "" : "; set aside: " + ingest.rejected().stream()
                    .map(r -> r.name() + " (" + r.reason() + ")").collect(Collectors.joining(", "));
            throw new SfmException("need at least 3 readable photos, found " + images.size() + rej,
                    ingest.rejected().stream().map(RejectedImage::name).toList());
        }
        boolean selfCalibrated = options.intrinsics().isEmpty();
        // Pair verification needs given intrinsics (essential matrix) or none (fundamental matrix): the start lenses
        // of a self-calibrated run only serve to tell the two apart here.
        List<LensModel> verificationLenses = LensStarts.of(images, options.intrinsics(), List.of(), 0, 0, 0).get(0).lenses();

        long t1 = System.nanoTime();
        List<ImageFeatures> features = extractFeatures(images, listener);
        seconds.put("features", since(t1));
        debugCpu("features");

        long t2 = System.nanoTime();
        double[] pixelScale = images.stream().mapToDouble(im -> Math.max(im.scaleX(), im.scaleY())).toArray();
        List<TwoViewGeometry> pairs = matchAll(features, verificationLenses, pixelScale, listener);
        seconds.put("matching", since(t2));
        debugCpu("matching");
        List<String> names = images.stream().map(IngestedImage::name).toList();
        if (pairs.isEmpty()) {
            throw withStillBackdropHint(new SfmException("no overlapping photos: no pair of the " + images.size()
                    + " photos shares enough matching features (are they of the same object?)", names));
        }
        debugPairs(pairs);
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) {
            int[] kp = features.stream().mapToInt(ImageFeatures::size).sorted().toArray();
            int[] inl = pairs.stream().mapToInt(TwoViewGeometry::inliers).sorted().toArray();
            System.err.printf(java.util.Locale.ROOT, "keypoints per photo median %d; verified inliers per pair median %d, total %d%n",
                    kp[kp.length / 2], inl[inl.length / 2], java.util.Arrays.stream(inl).asLongStream().sum());
        }
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) System.err.println("static matches dropped: " + staticMatches.get());
        ModelValidator validator = new ModelValidator(options.validation());
        ValidatedReconstruction.Settings attemptSettings = options.attempts();
        List<ValidatedReconstruction.LensStart> starts = LensStarts.of(images, options.intrinsics(), pairs,
                attemptSettings.maxHomographyRatio(), validator.thresholds().minFocalRatio(),
                validator.thresholds().maxFocalRatio());

        long t3 = System.nanoTime();
        Tracks tracks = Tracks.build(features.stream().mapToInt(ImageFeatures::size).toArray(), pairs);
        ValidatedReconstruction.Outcome outcome = new ValidatedReconstruction(options.mapper(), validator, attemptSettings)
                .run(features, tracks, pairs, starts, listener);
        seconds.put("mapping", since(t3));
        debugCpu("mapping");
        if (outcome.accepted() == null) {
            throw withStillBackdropHint(SfmFailureReason.explain(outcome, pairs, names, validator.thresholds(),
                    attemptSettings, 2 * options.mapper().minPnpInliers()));
        }
        ValidatedReconstruction.Attempt accepted = outcome.accepted();
        var initial = accepted.initial();
        ModelReport report = new ModelReport(accepted.start().source(),
                names.get(initial.pair().imageA()) + " + " + names.get(initial.pair().imageB()), initial.pair().inliers(),
                initial.medianAngleDeg(), initial.homographyRatio(),
                (int) outcome.attempts().stream().filter(a -> a.initial() != null).count(), accepted.checks());
        return new SfmResult(images, ingest.rejected(), accepted.scene(), seconds, selfCalibrated, report,
                staticMatches.get());
    }

    /** With FORGE3D_SFM_DEBUG set, prints the homography/epipolar inlier ratios of the verified pairs. */
    private static void debugPairs(List<TwoViewGeometry> pairs) {
        if (System.getenv("FORGE3D_SFM_DEBUG") == null) return;
        double[] r = pairs.stream().mapToDouble(TwoViewGeometry::homographyRatio).sorted().toArray();
        System.err.printf(java.util.Locale.ROOT, "pairs %d, H/E ratio min %.2f median %.2f max %.2f%n",
                r.length, r[0], r[r.length / 2], r[r.length - 1]);
    }

    private List<ImageFeatures> extractFeatures(List<IngestedImage> images, ProgressListener listener) {
        ThreadLocal<SiftExtractor> sift = ThreadLocal.withInitial(() -> new SiftExtractor(options.maxFeatures()));
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        List<Callable<ImageFeatures>> tasks = new ArrayList<>();
        for (IngestedImage im : images) {
            tasks.add(() -> {
                listener.checkCancelled();
                ImageFeatures f = masks.apply(im,
                        sift.get().extract(im.smallGray(), im.small().getWidth(), im.small().getHeight(), im.scaleX(), im.scaleY()));
                int n = done.incrementAndGet();
                double el = since(start);
                listener.onProgress(Progress.of("sfm.features", (double) n / images.size(), el / n * (images.size() - n),
                        n + "/" + images.size() + " photos"));
                return f;
            });
        }
        return runAll(tasks);
    }

    /** @param pixelScale per image, full-resolution pixels per pixel of the image its features were found on */
    private List<TwoViewGeometry> matchAll(List<ImageFeatures> features, List<LensModel> lenses, double[] pixelScale,
                                           ProgressListener listener) {
        int n = features.size();
        DescriptorMatcher matcher = new DescriptorMatcher(options.matchRatio());
        IncrementalMapper.Options mo = options.mapper();
        List<int[]> pairs = options.pairs().pairs(features, options.matchRatio(), options.threads());
        debugCpu("pair selection (" + pairs.size() + " pairs)");
        int total = 2 * pairs.size(); // descriptor matching, then verification
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        Runnable tick = () -> {
            int d = done.incrementAndGet();
            double el = since(start);
            listener.onProgress(Progress.of("sfm.matching", (double) d / total, el / d * (total - d),
                    (d + 1) / 2 + "/" + pairs.size() + " pairs"));
        };
        List<Callable<int[]>> matching = new ArrayList<>();
        for (int[] pair : pairs) {
            matching.add(() -> {
                listener.checkCancelled();
                int[] m = matcher.match(features.get(pair[0]), features.get(pair[1]));
                tick.run();
                return m;
            });
        }
        List<int[]> matches = runAll(matching);
        debugCpu("descriptor matching");
        staticMatches.set(0); // counts of this run only
        allMatches.set(0);
        // Background that stood still in front of a fixed camera (turntables) must not vote on any pose.
        double[] shift = pairs.stream().mapToDouble(p -> STATIC_SHIFT_PX * Math.max(pixelScale[p[0]], pixelScale[p[1]]))
                .toArray();
        // -Dforge3d.sfm.keepStillMatches=true turns the filter off, to measure what it does.
        boolean keepStill = Boolean.getBoolean("forge3d.sfm.keepStillMatches");
        if (keepStill) java.util.Arrays.fill(shift, -1);
        boolean[][] still = StaticMatchFilter.stillKeypoints(features, pairs, matches, shift, options.minPairInliers());
        List<Callable<TwoViewGeometry>> verification = new ArrayList<>();
        for (int p = 0; p < pairs.size(); p++) {
            int ia = pairs.get(p)[0], ib = pairs.get(p)[1];
            int[] all = matches.get(p);
            double maxShift = shift[p];
            verification.add(() -> {
                listener.checkCancelled();
                int[] m = StaticMatchFilter.moving(features.get(ia), features.get(ib), all, maxShift, still[ia], still[ib]);
                staticMatches.addAndGet((all.length - m.length) / 2);
                allMatches.addAndGet(all.length / 2);
                // A verifier per pair, seeded by the pair: RANSAC's random stream must not depend on which
                // thread happened to verify which pairs before, or results vary from run to run.
                TwoViewVerifier verifier = new TwoViewVerifier(mo.thresholdPx(), options.minPairInliers(),
                        mo.ransacIterations(), mo.seed() * 1_000_003L + (long) ia * n + ib);
                TwoViewGeometry g = verifier.verify(ia, ib, features.get(ia), features.get(ib), m,
                        lenses.get(ia), lenses.get(ib));
                tick.run();
                return g;
            });
        }
        List<TwoViewGeometry> out = new ArrayList<>();
        for (TwoViewGeometry g : runAll(verification)) if (g != null) out.add(g);
        return out;
    }

    /** Shift, in pixels of the images features are found on, under which a match counts as not having moved. */
    static final double STATIC_SHIFT_PX = 1.0;

    private final java.util.concurrent.atomic.AtomicLong staticMatches = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong allMatches = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A failure on a set whose backdrop stood still (a turntable) says so: only the turning product could place the
     * photos, and what helps is different from a handheld set's advice.
     */
    private SfmException withStillBackdropHint(SfmException e) {
        return withStillBackdropHint(e, staticMatches.get(), allMatches.get());
    }

    static SfmException withStillBackdropHint(SfmException e, long still, long all) {
        if (all == 0 || still < 0.3 * all) return e;
        String backdrop = String.format(java.util.Locale.ROOT,
                "%d of the %d matches (%.0f %%) were on a backdrop that stood still while the subject moved "
                + "(a turntable in front of a fixed camera) and were left out, so only the subject itself could place "
                + "the photos: let it fill more of the frame, give it (or the turntable) more visible texture, or "
                + "photograph it by walking around it", still, all, 100.0 * still / all);
        // When most matches were backdrop, that is the reason: what the few left-over matches showed (often "one
        // spot" or "too little overlap") would point the photographer the wrong way, so it comes second.
        if (still >= 0.5 * all) {
            return new SfmException("the subject did not move against its background: " + backdrop
                    + ". What the remaining matches showed: " + e.getMessage(), e.images());
        }
        return new SfmException(e.getMessage() + ". Note: " + backdrop, e.images());
    }

    private <T> List<T> runAll(List<Callable<T>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            List<Future<T>> futures = pool.invokeAll(tasks);
            List<T> out = new ArrayList<>(futures.size());
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.forge3d.runtime.progress.CancelledException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private double cpuMark = cpuSeconds();

    /** With FORGE3D_SFM_DEBUG set, prints the process CPU seconds spent in a phase (useful on a shared machine). */
    private void debugCpu(String phase) {
        double now = cpuSeconds();
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) {
            System.err.printf(java.util.Locale.ROOT, "cpu %s %.1fs%n", phase, now - cpuMark);
        }
        cpuMark = now;
    }

    private static double cpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    private static double since(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

}
