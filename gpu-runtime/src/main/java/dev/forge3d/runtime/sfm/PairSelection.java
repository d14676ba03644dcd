package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.retrieval.PreemptivePairs;

import java.util.ArrayList;
import java.util.List;

/**
 * Which photo pairs are matched.
 * <ul>
 *   <li>Exhaustive: every pair.</li>
 *   <li>Sequential, for frames of a video (in name order, which is time order): each frame with its next
 *       {@code count} frames, plus frames 2^k further on (COLMAP's sequential matcher with quadratic overlap), so a
 *       walk around an object still closes its loop while the pairs grow as n log n.</li>
 *   <li>Retrieval, for unordered sets (the default, {@link #unordered()}): each photo with the {@code count} photos
 *       that share most matches among their largest-scale keypoints ({@link PreemptivePairs}); sets of at most
 *       {@code count + 1} photos are matched exhaustively.</li>
 * </ul>
 */
public record PairSelection(Kind kind, int count) {

    public enum Kind { EXHAUSTIVE, SEQUENTIAL, RETRIEVAL }

    /**
     * Partners per photo for unordered sets. Measured on tune-mug and tune-vase (60 renders) and the 48-render
     * subset (docs/sfm.md): 20 registered every photo with smaller rotation errors than every pair, in about half
     * the matching time.
     */
    public static final int UNORDERED_NEIGHBOURS = 20;

    public static PairSelection exhaustive() {
        return new PairSelection(Kind.EXHAUSTIVE, 0);
    }

    /** What unordered photo sets get by default: retrieval with {@link #UNORDERED_NEIGHBOURS} partners. */
    public static PairSelection unordered() {
        return retrieval(UNORDERED_NEIGHBOURS);
    }

    public static PairSelection sequential(int overlap) {
        if (overlap < 1) throw new IllegalArgumentException("overlap must be >= 1, got " + overlap);
        return new PairSelection(Kind.SEQUENTIAL, overlap);
    }

    public static PairSelection retrieval(int neighbours) {
        if (neighbours < 1) throw new IllegalArgumentException("neighbours must be >= 1, got " + neighbours);
        return new PairSelection(Kind.RETRIEVAL, neighbours);
    }

    /** The pairs (a < b) of these photos' features, in a deterministic order; retrieval scores on {@code threads}. */
    public List<int[]> pairs(List<ImageFeatures> features, double ratio, int threads) {
        int n = features.size();
        if (kind == Kind.RETRIEVAL && n - 1 > count) {
            return PreemptivePairs.nearestPairs(PreemptivePairs.scores(features, ratio, threads), count);
        }
        return pairs(n);
    }

    /** The pairs of {@code n} photos for the kinds that need no features (retrieval falls back to every pair). */
    public List<int[]> pairs(int n) {
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            if (kind != Kind.SEQUENTIAL) {
                for (int b = a + 1; b < n; b++) out.add(new int[] {a, b});
                continue;
            }
            for (int b = a + 1; b < n && b <= a + count; b++) out.add(new int[] {a, b});
            for (long step = Integer.highestOneBit(count) * 2L; a + step < n; step *= 2) {
                if (step > count) out.add(new int[] {a, (int) (a + step)});
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXHAUSTIVE -> "exhaustive";
            case SEQUENTIAL -> "sequential (" + count + " neighbours + 2^k)";
            case RETRIEVAL -> "retrieval (" + count + " best partners by preemptive matching of the "
                    + PreemptivePairs.TOP + " largest keypoints)";
        };
    }
}
