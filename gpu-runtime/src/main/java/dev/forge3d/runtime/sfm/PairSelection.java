package dev.forge3d.runtime.sfm;

import java.util.ArrayList;
import java.util.List;

/**
 * Which photo pairs are matched. Exhaustive (every pair) for unordered photo sets; sequential for frames of a video
 * (in name order, which is time order): each frame with its next {@code overlap} frames, plus frames 2^k further on
 * (COLMAP's sequential matcher with quadratic overlap), so that a walk around an object still closes its loop on
 * the way while the number of pairs grows linearly (n log n) instead of quadratically.
 */
public record PairSelection(boolean sequential, int overlap) {

    public static PairSelection exhaustive() {
        return new PairSelection(false, 0);
    }

    public static PairSelection sequential(int overlap) {
        if (overlap < 1) throw new IllegalArgumentException("overlap must be >= 1, got " + overlap);
        return new PairSelection(true, overlap);
    }

    /** The pairs (a < b) of {@code n} photos, in a deterministic order. */
    public List<int[]> pairs(int n) {
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            if (!sequential) {
                for (int b = a + 1; b < n; b++) out.add(new int[] {a, b});
                continue;
            }
            for (int b = a + 1; b < n && b <= a + overlap; b++) out.add(new int[] {a, b});
            for (long step = Integer.highestOneBit(overlap) * 2L; a + step < n; step *= 2) {
                if (step > overlap) out.add(new int[] {a, (int) (a + step)});
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return sequential ? "sequential (" + overlap + " neighbours + 2^k)" : "exhaustive";
    }
}
