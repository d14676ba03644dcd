package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.retrieval.VisualWords;

import java.util.ArrayList;
import java.util.List;

/**
 * Which photo pairs are matched.
 * <ul>
 *   <li>Exhaustive: every pair (small sets).</li>
 *   <li>Sequential, for frames of a video (in name order, which is time order): each frame with its next
 *       {@code count} frames, plus frames 2^k further on (COLMAP's sequential matcher with quadratic overlap), so a
 *       walk around an object still closes its loop while the pairs grow as n log n.</li>
 *   <li>Retrieval, for unordered sets: each photo with its {@code count} most similar photos by a bag of visual
 *       words ({@link VisualWords}); sets of at most {@code count + 1} photos are matched exhaustively.</li>
 * </ul>
 */
public record PairSelection(Kind kind, int count) {

    public enum Kind { EXHAUSTIVE, SEQUENTIAL, RETRIEVAL }

    public static PairSelection exhaustive() {
        return new PairSelection(Kind.EXHAUSTIVE, 0);
    }

    public static PairSelection sequential(int overlap) {
        if (overlap < 1) throw new IllegalArgumentException("overlap must be >= 1, got " + overlap);
        return new PairSelection(Kind.SEQUENTIAL, overlap);
    }

    public static PairSelection retrieval(int neighbours) {
        if (neighbours < 1) throw new IllegalArgumentException("neighbours must be >= 1, got " + neighbours);
        return new PairSelection(Kind.RETRIEVAL, neighbours);
    }

    /** The pairs (a < b) of these photos' features, in a deterministic order. */
    public List<int[]> pairs(List<ImageFeatures> features, long seed) {
        int n = features.size();
        if (kind == Kind.RETRIEVAL && n - 1 > count) {
            VisualWords words = VisualWords.train(features, seed);
            return VisualWords.nearestPairs(words.bags(features), count);
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
            case RETRIEVAL -> "retrieval (" + count + " most similar by visual words)";
        };
    }
}
