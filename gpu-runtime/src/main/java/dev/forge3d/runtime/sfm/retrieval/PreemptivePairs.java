package dev.forge3d.runtime.sfm.retrieval;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.matching.DescriptorMatcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Candidate pairs by preemptive matching (Wu, "Towards linear-time incremental structure from motion", 3DV 2013):
 * every pair of photos is first matched on its {@link #TOP} largest-scale keypoints only (features come largest
 * first), which costs about {@code (TOP / n)^2} of a full match; the number of mutual ratio-test matches scores
 * the pair, and each photo keeps the {@code k} partners that score highest. Large-scale keypoints are the ones
 * found again across wide baselines, so a pair that shares a surface scores well above an unrelated one, and the
 * score is made of real descriptor matches, not of the coarse words of a vocabulary built on the set itself.
 * Still quadratic in the number of photos, with a small constant: 8 CPU seconds for the 19,900 pairs of 200 photos
 * (docs/sfm.md).
 */
public final class PreemptivePairs {

    /** Keypoints per photo in the preemptive match (Wu used 100 of full-size photos; 400 px photos doubled give ~2,000). */
    public static final int TOP = 256;
    /** A partner needs at least this many preemptive matches to be kept: fewer is what unrelated photos give. */
    public static final int MIN_MATCHES = 3;

    private PreemptivePairs() { }

    /** The scores of every pair: {@code scores[a][b]} mutual matches among the top keypoints (symmetric). */
    public static int[][] scores(List<ImageFeatures> features, double ratio, int threads) {
        int n = features.size();
        List<ImageFeatures> top = features.stream().map(PreemptivePairs::prefix).toList();
        DescriptorMatcher matcher = new DescriptorMatcher(ratio);
        int[][] scores = new int[n][n];
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(a -> {
                for (int b = a + 1; b < n; b++) {
                    int m = matcher.match(top.get(a), top.get(b)).length / 2;
                    scores[a][b] = m;
                    scores[b][a] = m;
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.forge3d.runtime.progress.CancelledException();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return scores;
    }

    /** Each photo with its {@code k} best-scoring partners (at least {@link #MIN_MATCHES}); pairs a < b, sorted. */
    public static List<int[]> nearestPairs(int[][] scores, int k) {
        int n = scores.length;
        TreeSet<int[]> pairs = new TreeSet<>(Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        for (int a = 0; a < n; a++) {
            final int row = a;
            Integer[] others = IntStream.range(0, n).filter(b -> b != row).boxed().toArray(Integer[]::new);
            Arrays.sort(others, Comparator.comparingInt((Integer b) -> -scores[row][b]).thenComparingInt(b -> b));
            for (int j = 0; j < Math.min(k, others.length); j++) {
                int b = others[j];
                if (scores[a][b] < MIN_MATCHES) break;
                pairs.add(new int[] {Math.min(a, b), Math.max(a, b)});
            }
        }
        return new ArrayList<>(pairs);
    }

    private static ImageFeatures prefix(ImageFeatures f) {
        int m = Math.min(TOP, f.size()), d = f.dimension();
        return new ImageFeatures(Arrays.copyOf(f.x(), m), Arrays.copyOf(f.y(), m),
                Arrays.copyOf(f.descriptors(), m * d), d);
    }
}
