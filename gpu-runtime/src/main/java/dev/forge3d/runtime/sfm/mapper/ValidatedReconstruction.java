package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs incremental reconstructions until one passes the {@link ModelValidator}: for each starting guess of the
 * intrinsics (in order of trust), from the best few initial pairs of {@link InitialPairSelector}. A model that
 * fails a check is never returned; when none passes, the caller gets every attempt (with its checks) to explain
 * the failure.
 */
public final class ValidatedReconstruction {

    /**
     * Starting intrinsics: one lens per image (images of one camera share the object), where they came from, and
     * whether the focal lengths are trusted (given or EXIF) rather than guessed.
     */
    public record LensStart(String source, List<LensModel> lenses, boolean trustedFocal) { }

    /**
     * One reconstruction that was run (or could not start).
     *
     * @param initial null when the start had no usable initial pair
     * @param checks  null when the initial pair gave too few points to continue
     */
    public record Attempt(LensStart start, InitialPairSelector.Candidate initial, ModelValidator.ModelChecks checks,
                          SceneState scene) {
        public boolean accepted() { return checks != null && checks.passed(); }
    }

    /**
     * @param accepted   the first attempt that passed every check, or null
     * @param attempts   every attempt, in order
     * @param selections the initial pair selection of each lens start (for the summary and failure reasons)
     */
    public record Outcome(Attempt accepted, List<Attempt> attempts, List<InitialPairSelector.Selection> selections) { }

    /**
     * @param pairsPerStart initial pairs tried per lens start
     * @param maxAttempts   reconstructions in all (each costs about one full mapping)
     */
    public record Settings(double minInitialMedianAngleDeg, double maxHomographyRatio, int pairsPerStart,
                           int maxAttempts) {
        public static Settings defaults() {
            return new Settings(2.0, 0.8, 3, 4);
        }
    }

    private final IncrementalMapper.Options mapperOptions;
    private final ModelValidator validator;
    private final Settings settings;

    public ValidatedReconstruction(IncrementalMapper.Options mapperOptions, ModelValidator validator, Settings settings) {
        this.mapperOptions = mapperOptions;
        this.validator = validator;
        this.settings = settings;
    }

    public Outcome run(List<ImageFeatures> features, Tracks tracks, List<TwoViewGeometry> pairs,
                       List<LensStart> starts, ProgressListener listener) {
        InitialPairSelector selector = new InitialPairSelector(mapperOptions, settings.minInitialMedianAngleDeg(),
                settings.maxHomographyRatio());
        List<Attempt> attempts = new ArrayList<>();
        List<InitialPairSelector.Selection> selections = new ArrayList<>();
        for (LensStart start : starts) {
            InitialPairSelector.Selection selection = selector.select(pairs, features, start.lenses(), start.trustedFocal());
            selections.add(selection);
            debug(start, selection);
            if (selection.usable().isEmpty()) {
                attempts.add(new Attempt(start, null, null, null));
                continue;
            }
            List<InitialPairSelector.Candidate> tries = selection.usable()
                    .subList(0, Math.min(settings.pairsPerStart(), selection.usable().size()));
            for (InitialPairSelector.Candidate initial : tries) {
                if (ranAll(attempts)) break;
                listener.checkCancelled();
                SceneState scene = new SceneState(features, copyLenses(start.lenses()), tracks);
                IncrementalMapper mapper = new IncrementalMapper(scene, mapperOptions);
                ModelValidator.ModelChecks checks = mapper.reconstruct(initial, listener) ? validator.check(scene, pairs) : null;
                Attempt attempt = new Attempt(start, initial, checks, scene);
                attempts.add(attempt);
                debug(attempt);
                if (attempt.accepted()) return new Outcome(attempt, List.copyOf(attempts), List.copyOf(selections));
            }
            if (ranAll(attempts)) break;
        }
        return new Outcome(null, List.copyOf(attempts), List.copyOf(selections));
    }

    private boolean ranAll(List<Attempt> attempts) {
        return attempts.stream().filter(a -> a.initial() != null).count() >= settings.maxAttempts();
    }

    /** Bundle adjustment refines lenses in place: every attempt starts from fresh copies (sharing kept). */
    public static List<LensModel> copyLenses(List<LensModel> lenses) {
        Map<LensModel, LensModel> copies = new IdentityHashMap<>();
        List<LensModel> out = new ArrayList<>(lenses.size());
        for (LensModel l : lenses) out.add(copies.computeIfAbsent(l, LensModel::copy));
        return out;
    }

    private static void debug(LensStart start, InitialPairSelector.Selection selection) {
        if (System.getenv("FORGE3D_SFM_DEBUG") == null) return;
        for (var c : selection.examined()) {
            System.err.printf(java.util.Locale.ROOT, "initial pair candidate (%s): %d-%d %d inliers, H/E %.2f, H parallax %.4f, median angle %.2f deg, %d wide, usable %b%n",
                    start.source(), c.pair().imageA(), c.pair().imageB(), c.pair().inliers(), c.homographyRatio(),
                    c.homographyParallax(), c.medianAngleDeg(), c.wideInliers(), selection.usable().contains(c));
        }
    }

    private static void debug(Attempt a) {
        if (System.getenv("FORGE3D_SFM_DEBUG") == null) return;
        var c = a.initial();
        System.err.printf(java.util.Locale.ROOT, "attempt: lenses %s, initial pair %d-%d (%d inliers, H/E %.2f, H parallax %.4f, median angle %.2f deg) -> %s%n",
                a.start().source(), c.pair().imageA(), c.pair().imageB(), c.pair().inliers(), c.homographyRatio(),
                c.homographyParallax(), c.medianAngleDeg(), a.checks() == null ? "too few points" : a.checks().checks());
        if (a.checks() != null) {
            var agreement = a.checks().pairAgreement();
            System.err.printf(java.util.Locale.ROOT, "pair agreement: %d strong pairs, %d contradicted (%.2f %% of inliers)%n",
                    agreement.strongPairs(), agreement.contradicted(), 100 * agreement.contradictedShare());
            agreement.worst().stream().limit(20).forEach(p -> System.err.printf(java.util.Locale.ROOT,
                    "  contradicted %d-%d: %d inliers, %.2f explained%n", p.imageA(), p.imageB(), p.inliers(), p.agreement()));
        }
    }
}
