package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import dev.forge3d.runtime.sfm.mapper.InitialPairSelector;
import dev.forge3d.runtime.sfm.mapper.ModelValidator;
import dev.forge3d.runtime.sfm.mapper.ValidatedReconstruction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns a reconstruction that produced no valid model into an {@link SfmException} a photographer can act on: photos
 * taken from one spot, too little overlap (between which photos), too few shared points, an implausible focal
 * length. The technical figures (angles, ratios, checks) follow in brackets for support.
 */
final class SfmFailureReason {

    private SfmFailureReason() { }

    static SfmException explain(ValidatedReconstruction.Outcome outcome, List<TwoViewGeometry> pairs, List<String> names,
                                ModelValidator.Thresholds thresholds, ValidatedReconstruction.Settings attempts,
                                int minInitialInliers) {
        List<ValidatedReconstruction.Attempt> ran = outcome.attempts().stream().filter(a -> a.checks() != null).toList();
        if (ran.isEmpty()) return noInitialPair(outcome, pairs, names, attempts, minInitialInliers);
        ValidatedReconstruction.Attempt best = ran.stream()
                .max(Comparator.comparingInt((ValidatedReconstruction.Attempt a) -> a.checks().registered())
                        .thenComparingInt(a -> -a.checks().failed().size())).orElseThrow();
        ModelValidator.ModelChecks c = best.checks();
        String figures = " [" + ran.size() + " reconstruction attempt(s); best: " + c.checks() + "]";
        if (c.failed(ModelValidator.TRIANGULATION) || c.failed(ModelValidator.SPREAD)) {
            return new SfmException(String.format(Locale.ROOT,
                    "photos taken from one spot: the camera positions differ by only %.1f %% of the distance to the "
                    + "subject (median triangulation angle %.2f degrees, at least %.1f needed), so no depth can be "
                    + "measured; move around the subject between shots instead of turning the camera in place",
                    100 * c.cameraSpread(), c.medianTriangulationDeg(), thresholds.minMedianTriangulationDeg()) + figures,
                    names);
        }
        if (c.failed(ModelValidator.REGISTERED)) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) if (!best.scene().registered[i]) missing.add(names.get(i));
            return new SfmException("could only place " + c.registered() + " of " + c.images() + " photos; not placed: "
                    + String.join(", ", missing) + overlapHint(pairs, names, best, minInitialInliers) + figures, missing);
        }
        if (c.failed(ModelValidator.POINTS_PER_IMAGE)) {
            return new SfmException("too little overlap: the median photo shares only " + c.medianPointsPerImage()
                    + " reconstructed points with the others (at least " + thresholds.minMedianPointsPerImage()
                    + " needed); take more photos, each part of the subject in at least three of them" + figures, names);
        }
        if (c.failed(ModelValidator.FOCAL)) {
            double f = c.minFocalRatio() < thresholds.minFocalRatio() ? c.minFocalRatio() : c.maxFocalRatio();
            return new SfmException(String.format(Locale.ROOT,
                    "the camera's focal length could not be determined (estimated %.2f x the longer image side, "
                    + "plausible %.1f-%.1f): keep the EXIF data in the photos or give the camera intrinsics",
                    f, thresholds.minFocalRatio(), thresholds.maxFocalRatio()) + figures, names);
        }
        if (c.failed(ModelValidator.PAIRS)) {
            var worst = c.pairAgreement().worst().get(0);
            return new SfmException(String.format(Locale.ROOT,
                    "the photos do not fit one consistent model: every photo could be placed, but the placement "
                    + "contradicts %d of %d strongly matching photo pairs (e.g. %s and %s share %d matches that it "
                    + "cannot explain). This happens when a symmetric object or a repeated pattern looks the same "
                    + "from different sides; add photos between the sides, or put the object on a textured, "
                    + "non-repeating surface", c.pairAgreement().contradicted(), c.pairAgreement().strongPairs(),
                    names.get(worst.imageA()), names.get(worst.imageB()), worst.inliers()) + figures, names);
        }
        return new SfmException("no reconstruction passed the checks" + figures, names);
    }

    private static SfmException noInitialPair(ValidatedReconstruction.Outcome outcome, List<TwoViewGeometry> pairs,
                                              List<String> names, ValidatedReconstruction.Settings attempts,
                                              int minInliers) {
        List<InitialPairSelector.Candidate> examined = outcome.selections().stream()
                .flatMap(s -> s.examined().stream()).toList();
        if (examined.isEmpty()) {
            TwoViewGeometry strongest = pairs.stream().max(Comparator.comparingInt(TwoViewGeometry::inliers)).orElseThrow();
            return new SfmException("too little overlap: the two photos that overlap most, " + names.get(strongest.imageA())
                    + " and " + names.get(strongest.imageB()) + ", share only " + strongest.inliers()
                    + " matching features (at least " + minInliers + " needed to start); take photos closer together, "
                    + "each part of the subject in at least three photos", names);
        }
        InitialPairSelector.Candidate widest = examined.stream()
                .max(Comparator.comparingDouble(InitialPairSelector.Candidate::medianAngleDeg)).orElseThrow();
        long flat = examined.stream().filter(c -> c.homographyRatio() > attempts.maxHomographyRatio()).count();
        if (widest.medianAngleDeg() >= attempts.minInitialMedianAngleDeg() && flat == examined.size()) {
            // Wide angles, but on homography-dominated pairs that are pure rotations or seen under a guessed focal
            // length: untrustworthy.
            boolean guessedFocal = outcome.attempts().stream().anyMatch(a -> !a.start().trustedFocal());
            return new SfmException(String.format(Locale.ROOT,
                    "photos taken from one spot, or of a flat subject: a single homography explains every pair "
                    + "examined (%d), so no depth can be measured%s; move around the subject between shots",
                    examined.size(), guessedFocal ? " and, without EXIF, no focal length either (keep the EXIF data in "
                            + "the photos or give the camera intrinsics)" : ""), names);
        }
        return new SfmException(String.format(Locale.ROOT,
                "photos taken from one spot: no two photos see the subject from different enough positions (widest "
                + "pair %s and %s: median triangulation angle %.2f degrees, at least %.1f needed; %d of %d pairs "
                + "examined are explained by a single homography, as when the camera only turns or the subject is "
                + "flat); move around the subject between shots instead of turning the camera in place",
                names.get(widest.pair().imageA()), names.get(widest.pair().imageB()), widest.medianAngleDeg(),
                attempts.minInitialMedianAngleDeg(), flat, examined.size()), names);
    }

    /**
     * Why photos were not placed: the groups of photos that share no verified matches with each other ("too little
     * overlap between A and B"), else for each unplaced photo its strongest link to a placed one.
     */
    static String overlapHint(List<TwoViewGeometry> pairs, List<String> names, ValidatedReconstruction.Attempt best,
                              int enoughMatches) {
        List<List<Integer>> groups = connectedGroups(pairs, names.size());
        List<List<Integer>> multi = groups.stream().filter(g -> g.size() >= 2).toList();
        if (multi.size() >= 2) {
            List<String> parts = new ArrayList<>();
            for (List<Integer> g : multi) parts.add(describe(g, names));
            return "; too little overlap between " + String.join(" and ", parts)
                    + " (no photo of one group shares enough matches with the other; add photos in between)";
        }
        List<String> links = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (best.scene().registered[i]) continue;
            TwoViewGeometry link = null;
            for (TwoViewGeometry p : pairs) {
                int other = p.imageA() == i ? p.imageB() : p.imageB() == i ? p.imageA() : -1;
                if (other < 0 || !best.scene().registered[other]) continue;
                if (link == null || p.inliers() > link.inliers()) link = p;
            }
            String other = link == null ? null : names.get(link.imageA() == i ? link.imageB() : link.imageA());
            if (link == null) links.add(names.get(i) + ": no overlap with a placed photo");
            else if (link.inliers() < enoughMatches) {
                links.add(names.get(i) + ": too little overlap with " + other + " (" + link.inliers() + " matches)");
            } else {
                // Plenty of matches but no pose: the geometry did not fit (often a wrong focal length start).
                links.add(names.get(i) + ": shares " + link.inliers() + " matches with " + other + " but could not be placed");
            }
        }
        return links.isEmpty() ? "" : " (" + String.join("; ", links.size() > 10 ? links.subList(0, 10) : links)
                + (links.size() > 10 ? "; ..." : "") + ")";
    }

    private static String describe(List<Integer> group, List<String> names) {
        List<String> n = group.stream().map(names::get).toList();
        return n.size() <= 4 ? String.join(", ", n) : n.get(0) + " ... " + n.get(n.size() - 1) + " (" + n.size() + " photos)";
    }

    private static List<List<Integer>> connectedGroups(List<TwoViewGeometry> pairs, int n) {
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (TwoViewGeometry p : pairs) parent[find(parent, p.imageA())] = find(parent, p.imageB());
        List<List<Integer>> groups = new ArrayList<>();
        int[] groupOf = new int[n];
        java.util.Arrays.fill(groupOf, -1);
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (groupOf[r] < 0) { groupOf[r] = groups.size(); groups.add(new ArrayList<>()); }
            groups.get(groupOf[r]).add(i);
        }
        return groups;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }
}
