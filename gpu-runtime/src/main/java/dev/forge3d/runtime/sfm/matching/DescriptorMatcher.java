package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Exhaustive descriptor matching between two images: nearest neighbour with Lowe's ratio test, kept only when
 * the match is mutual (each is the other's nearest neighbour). Descriptors have unit norm, so the squared
 * distance is {@code 2 - 2 dot}: one pass of dot products gives both directions.
 *
 * <p>The dot products run on the Vector API across candidates rather than across descriptor elements: B is
 * stored transposed in tiles of one vector's width, so one FMA advances the dot products of a query with a whole
 * tile of candidates and no horizontal sums are needed. Four queries and two tiles make a block of eight
 * accumulators: each load of B serves four FMAs and each broadcast of A two. Nearest neighbours are tracked per
 * lane (best, second best and the best's index for every query and every lane; best and its query for every
 * candidate), so the inner loop has no horizontal reductions and no branches; lanes are merged once at the end.
 */
public final class DescriptorMatcher {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    private static final int[] IOTA = java.util.stream.IntStream.range(0, L).toArray();
    private final double ratio;

    /** @param ratio Lowe's ratio on distances (0.8 in the SIFT paper; COLMAP uses 0.8) */
    public DescriptorMatcher(double ratio) {
        this.ratio = ratio;
    }

    /** Returns pairs {@code [ia0, ib0, ia1, ib1, ...]} of mutual ratio-tested matches. */
    public int[] match(ImageFeatures a, ImageFeatures b) {
        int na = a.size(), nb = b.size(), dim = a.dimension();
        if (na < 2 || nb < 2) return new int[0];
        float[] da = a.descriptors();
        int tiles = (nb + L - 1) / L;
        float[] bt = transposeTiles(b.descriptors(), nb, dim, tiles);
        // Per query and lane: best and second-best dot product, and the best's candidate.
        float[] rowBest = new float[na * L], rowSecond = new float[na * L];
        int[] rowIdx = new int[na * L];
        Arrays.fill(rowBest, -2);
        Arrays.fill(rowSecond, -2);
        // Per candidate: best dot product and its query.
        float[] colBestDot = new float[tiles * L];
        int[] colBest = new int[tiles * L];
        Arrays.fill(colBestDot, -2);
        // Dot products of four queries with two tiles; kept in an array, not FloatVector fields, so the JIT can
        // keep the vectors in registers (vectors that escape into objects are boxed and become very slow).
        float[] acc = new float[8 * L];
        // Tiles of B small enough to stay in the L2 cache while all queries pass over them.
        int tilesPerBlock = Math.max(2, (128 * 1024) / (4 * dim * L)) & ~1;
        for (int t0 = 0; t0 < tiles; t0 += tilesPerBlock) {
            int t1 = Math.min(tiles, t0 + tilesPerBlock);
            for (int i0 = 0; i0 < na; i0 += 4) {
                int rows = Math.min(4, na - i0);
                int t = t0;
                if (rows == 4) {
                    for (; t + 1 < t1; t += 2) {
                        dot4x2(da, i0, dim, bt, t, acc);
                        update(acc, 0, rows, i0, t, nb, rowBest, rowSecond, rowIdx, colBestDot, colBest);
                        update(acc, 4 * L, rows, i0, t + 1, nb, rowBest, rowSecond, rowIdx, colBestDot, colBest);
                    }
                }
                for (; t < t1; t++) {
                    dotTile(da, i0, rows, dim, bt, t, acc);
                    update(acc, 0, rows, i0, t, nb, rowBest, rowSecond, rowIdx, colBestDot, colBest);
                }
            }
        }
        double r2 = ratio * ratio;
        int[] out = new int[2 * na];
        int n = 0;
        for (int i = 0; i < na; i++) {
            // Merge the lanes: the best lane's best, and the second best over every other lane's best and all seconds.
            int o = i * L, bl = 0;
            for (int l = 1; l < L; l++) if (rowBest[o + l] > rowBest[o + bl]) bl = l;
            float best = rowBest[o + bl], second = -2;
            for (int l = 0; l < L; l++) {
                second = Math.max(second, rowSecond[o + l]);
                if (l != bl) second = Math.max(second, rowBest[o + l]);
            }
            double d1 = Math.max(0, 2 - 2 * best), d2 = Math.max(0, 2 - 2 * second);
            if (d1 > r2 * d2) continue;
            int j = rowIdx[o + bl];
            if (colBest[j] != i) continue;
            out[n++] = i;
            out[n++] = j;
        }
        return Arrays.copyOf(out, n);
    }

    /** Folds the dot products of {@code rows} queries (from {@code i0}) with tile {@code t} into the running bests. */
    private static void update(float[] acc, int off, int rows, int i0, int t, int nb, float[] rowBest,
                               float[] rowSecond, int[] rowIdx, float[] colBestDot, int[] colBest) {
        int valid = Math.min(L, nb - t * L);
        VectorMask<Float> padding = valid < L ? S.indexInRange(0, valid).not() : null;
        IntVector candidates = IntVector.fromArray(I, IOTA, 0).add(t * L);
        FloatVector cb = FloatVector.fromArray(S, colBestDot, t * L);
        IntVector ci = IntVector.fromArray(I, colBest, t * L);
        for (int r = 0; r < rows; r++) {
            FloatVector v = FloatVector.fromArray(S, acc, off + r * L);
            if (padding != null) v = v.blend(-2f, padding);
            VectorMask<Float> col = v.compare(VectorOperators.GT, cb);
            cb = cb.blend(v, col);
            ci = ci.blend(i0 + r, col.cast(I));
            int o = (i0 + r) * L;
            FloatVector b = FloatVector.fromArray(S, rowBest, o);
            FloatVector s = FloatVector.fromArray(S, rowSecond, o);
            VectorMask<Float> row = v.compare(VectorOperators.GT, b);
            s.max(v.min(b)).intoArray(rowSecond, o);
            b.max(v).intoArray(rowBest, o);
            IntVector.fromArray(I, rowIdx, o).blend(candidates, row.cast(I)).intoArray(rowIdx, o);
        }
        cb.intoArray(colBestDot, t * L);
        ci.intoArray(colBest, t * L);
    }

    /** {@code bt[(t * dim + k) * L + l] = b[(t * L + l) * dim + k]}, zero beyond the last descriptor. */
    private static float[] transposeTiles(float[] b, int nb, int dim, int tiles) {
        float[] bt = new float[tiles * dim * L];
        for (int j = 0; j < nb; j++) {
            int t = j / L, l = j % L, base = t * dim * L + l;
            for (int k = 0; k < dim; k++) bt[base + k * L] = b[j * dim + k];
        }
        return bt;
    }

    /** Dot products of four queries (from row {@code i0}) with tiles {@code t} and {@code t + 1}. */
    private static void dot4x2(float[] a, int i0, int dim, float[] bt, int t, float[] acc) {
        int o0 = i0 * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim, ob = t * dim * L, oc = ob + dim * L;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
        for (int k = 0; k < dim; k++) {
            FloatVector vb = FloatVector.fromArray(S, bt, ob + k * L);
            FloatVector vc = FloatVector.fromArray(S, bt, oc + k * L);
            FloatVector a0 = FloatVector.broadcast(S, a[o0 + k]);
            FloatVector a1 = FloatVector.broadcast(S, a[o1 + k]);
            FloatVector a2 = FloatVector.broadcast(S, a[o2 + k]);
            FloatVector a3 = FloatVector.broadcast(S, a[o3 + k]);
            s0 = vb.fma(a0, s0);
            s1 = vb.fma(a1, s1);
            s2 = vb.fma(a2, s2);
            s3 = vb.fma(a3, s3);
            u0 = vc.fma(a0, u0);
            u1 = vc.fma(a1, u1);
            u2 = vc.fma(a2, u2);
            u3 = vc.fma(a3, u3);
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, L);
        s2.intoArray(acc, 2 * L);
        s3.intoArray(acc, 3 * L);
        u0.intoArray(acc, 4 * L);
        u1.intoArray(acc, 5 * L);
        u2.intoArray(acc, 6 * L);
        u3.intoArray(acc, 7 * L);
    }

    /** Dot products of up to four queries (from row {@code i0}) with the {@code L} candidates of tile {@code t}. */
    private static void dotTile(float[] a, int i0, int rows, int dim, float[] bt, int t, float[] acc) {
        int o0 = i0 * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim, ob = t * dim * L;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < dim; k++) {
            FloatVector vb = FloatVector.fromArray(S, bt, ob + k * L);
            s0 = vb.fma(FloatVector.broadcast(S, a[o0 + k]), s0);
            if (rows > 1) s1 = vb.fma(FloatVector.broadcast(S, a[o1 + k]), s1);
            if (rows > 2) s2 = vb.fma(FloatVector.broadcast(S, a[o2 + k]), s2);
            if (rows > 3) s3 = vb.fma(FloatVector.broadcast(S, a[o3 + k]), s3);
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, L);
        s2.intoArray(acc, 2 * L);
        s3.intoArray(acc, 3 * L);
    }
}
