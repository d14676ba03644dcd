package dev.forge3d.runtime.sfm.retrieval;

import dev.forge3d.runtime.sfm.features.ImageFeatures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Image retrieval for choosing which photo pairs to match: a two-level vocabulary tree (16 x 16 = 256 visual words,
 * k-means on a sample of the set's own descriptors, as in Nister and Stewenius's vocabulary tree, built per set
 * instead of trained ahead), a TF-IDF weighted bag of words per photo, and cosine similarity between photos. Each
 * photo is paired with its {@code k} most similar photos; pairs that share no view of the same surface score low
 * and are not matched at all.
 */
public final class VisualWords {

    static final int BRANCH = 16;
    private static final int SAMPLE_PER_IMAGE = 300;
    private static final int ITERATIONS = 8;

    private final int dim;
    private final float[] top;            // BRANCH centroids
    private final float[][] leaves;       // per top centroid, BRANCH centroids (or fewer)

    private VisualWords(int dim, float[] top, float[][] leaves) {
        this.dim = dim;
        this.top = top;
        this.leaves = leaves;
    }

    /** A vocabulary from a sample of every photo's descriptors; deterministic for a seed. */
    public static VisualWords train(List<ImageFeatures> images, long seed) {
        int dim = images.stream().filter(f -> f.size() > 0).mapToInt(ImageFeatures::dimension).findFirst().orElse(128);
        List<float[]> sample = new ArrayList<>();
        for (ImageFeatures f : images) {
            int n = f.size();
            int step = Math.max(1, n / SAMPLE_PER_IMAGE);
            for (int i = 0; i < n; i += step) sample.add(Arrays.copyOfRange(f.descriptors(), i * dim, (i + 1) * dim));
        }
        Random r = new Random(seed);
        float[] top = kmeans(sample, BRANCH, dim, r);
        int kTop = top.length / dim;
        List<List<float[]>> groups = new ArrayList<>();
        for (int c = 0; c < kTop; c++) groups.add(new ArrayList<>());
        for (float[] d : sample) groups.get(nearest(top, kTop, dim, d, 0)).add(d);
        float[][] leaves = new float[kTop][];
        for (int c = 0; c < kTop; c++) leaves[c] = kmeans(groups.get(c), BRANCH, dim, r);
        return new VisualWords(dim, top, leaves);
    }

    /** The word of one descriptor: its top cluster times {@link #BRANCH} plus its leaf. */
    int word(float[] descriptors, int offset) {
        int t = nearest(top, top.length / dim, dim, descriptors, offset);
        float[] l = leaves[t];
        int leaf = l.length == 0 ? 0 : nearest(l, l.length / dim, dim, descriptors, offset);
        return t * BRANCH + leaf;
    }

    /** TF-IDF bags of words, L2-normalised, one per photo. */
    public double[][] bags(List<ImageFeatures> images) {
        int words = BRANCH * BRANCH;
        double[][] tf = new double[images.size()][];
        IntStream.range(0, images.size()).parallel().forEach(i -> {
            ImageFeatures f = images.get(i);
            double[] h = new double[words];
            for (int k = 0; k < f.size(); k++) h[word(f.descriptors(), k * dim)]++;
            tf[i] = h;
        });
        double[] df = new double[words];
        for (double[] h : tf) for (int w = 0; w < words; w++) if (h[w] > 0) df[w]++;
        for (double[] h : tf) {
            double norm = 0;
            for (int w = 0; w < words; w++) {
                h[w] = h[w] == 0 ? 0 : h[w] * Math.log(tf.length / df[w]);
                norm += h[w] * h[w];
            }
            norm = Math.sqrt(norm);
            if (norm > 0) for (int w = 0; w < words; w++) h[w] /= norm;
        }
        return tf;
    }

    /**
     * Pairs (a < b) of each photo with its {@code k} most similar others (union over photos), in a deterministic
     * order.
     */
    public static List<int[]> nearestPairs(double[][] bags, int k) {
        int n = bags.length;
        boolean[][] take = new boolean[n][n];
        for (int a = 0; a < n; a++) {
            Integer[] order = new Integer[n];
            double[] sim = new double[n];
            for (int b = 0; b < n; b++) {
                order[b] = b;
                double s = 0;
                for (int w = 0; w < bags[a].length; w++) s += bags[a][w] * bags[b][w];
                sim[b] = b == a ? Double.NEGATIVE_INFINITY : s;
            }
            Arrays.sort(order, (x, y) -> Double.compare(sim[y], sim[x]) != 0 ? Double.compare(sim[y], sim[x]) : Integer.compare(x, y));
            for (int j = 0; j < Math.min(k, n - 1); j++) {
                int b = order[j];
                take[Math.min(a, b)][Math.max(a, b)] = true;
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < n; a++) for (int b = a + 1; b < n; b++) if (take[a][b]) out.add(new int[] {a, b});
        return out;
    }

    private static float[] kmeans(List<float[]> data, int k, int dim, Random r) {
        int kk = Math.min(k, data.size());
        if (kk == 0) return new float[0];
        float[] c = new float[kk * dim];
        // Initial centres: distinct samples picked at random (the sample is large; k-means++ adds little here).
        int[] pick = r.ints(0, data.size()).distinct().limit(kk).toArray();
        for (int i = 0; i < kk; i++) System.arraycopy(data.get(pick[i]), 0, c, i * dim, dim);
        int[] assign = new int[data.size()];
        for (int it = 0; it < ITERATIONS; it++) {
            final float[] centres = c;
            IntStream.range(0, data.size()).parallel().forEach(i -> assign[i] = nearest(centres, kk, dim, data.get(i), 0));
            double[] sum = new double[kk * dim];
            int[] count = new int[kk];
            for (int i = 0; i < data.size(); i++) {
                float[] d = data.get(i);
                int a = assign[i];
                count[a]++;
                for (int j = 0; j < dim; j++) sum[a * dim + j] += d[j];
            }
            float[] next = c.clone();
            for (int a = 0; a < kk; a++) {
                if (count[a] == 0) continue; // an empty cluster keeps its centre
                for (int j = 0; j < dim; j++) next[a * dim + j] = (float) (sum[a * dim + j] / count[a]);
            }
            c = next;
        }
        return c;
    }

    private static int nearest(float[] centres, int k, int dim, float[] d, int offset) {
        int best = 0;
        double bestDist = Double.MAX_VALUE;
        for (int c = 0; c < k; c++) {
            double s = 0;
            int o = c * dim;
            for (int j = 0; j < dim; j++) {
                double e = centres[o + j] - d[offset + j];
                s += e * e;
            }
            if (s < bestDist) {
                bestDist = s;
                best = c;
            }
        }
        return best;
    }
}
