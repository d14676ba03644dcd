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
 * tile of candidates and no horizontal sums are needed; four queries share each load of B.
 */
public final class DescriptorMatcher {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
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
        int[] best = new int[na];
        float[] bestDot = new float[na], secondDot = new float[na];
        Arrays.fill(bestDot, -2);
        Arrays.fill(secondDot, -2);
        float[] colBestDot = new float[tiles * L];
        int[] colBest = new int[tiles * L];
        Arrays.fill(colBestDot, -2);
        float[] lanes = new float[L];
        // Dot products of four queries with one tile; kept in an array, not FloatVector fields, so the JIT can
        // keep the vectors in registers (vectors that escape into objects are boxed and become very slow).
        float[] acc = new float[4 * L];
        // Tiles of B small enough to stay in the L2 cache while all queries pass over them.
        int tilesPerBlock = Math.max(1, (128 * 1024) / (4 * dim * L));
        for (int t0 = 0; t0 < tiles; t0 += tilesPerBlock) {
            int t1 = Math.min(tiles, t0 + tilesPerBlock);
            for (int i0 = 0; i0 < na; i0 += 4) {
                int rows = Math.min(4, na - i0);
                for (int t = t0; t < t1; t++) {
                    dotTile(da, i0, rows, dim, bt, t, acc);
                    int valid = Math.min(L, nb - t * L);
                    for (int r = 0; r < rows; r++) {
                        FloatVector v = FloatVector.fromArray(S, acc, r * L);
                        if (valid < L) v = v.blend(-2f, S.indexInRange(valid, L).not());
                        int i = i0 + r;
                        // Column (B -> A) nearest neighbours for the whole tile at once.
                        FloatVector cb = FloatVector.fromArray(S, colBestDot, t * L);
                        VectorMask<Float> better = v.compare(VectorOperators.GT, cb);
                        if (better.anyTrue()) {
                            cb.blend(v, better).intoArray(colBestDot, t * L);
                            IntVector.fromArray(I, colBest, t * L).blend(i, better.cast(I)).intoArray(colBest, t * L);
                        }
                        // Row (A -> B) best and second best: only look at lanes when one can beat the second.
                        if (v.reduceLanes(VectorOperators.MAX) > secondDot[i]) {
                            v.intoArray(lanes, 0);
                            for (int l = 0; l < valid; l++) {
                                float d = lanes[l];
                                if (d > bestDot[i]) { secondDot[i] = bestDot[i]; bestDot[i] = d; best[i] = t * L + l; }
                                else if (d > secondDot[i]) secondDot[i] = d;
                            }
                        }
                    }
                }
            }
        }
        double r2 = ratio * ratio;
        int[] out = new int[2 * na];
        int n = 0;
        for (int i = 0; i < na; i++) {
            double d1 = Math.max(0, 2 - 2 * bestDot[i]), d2 = Math.max(0, 2 - 2 * secondDot[i]);
            if (d1 > r2 * d2) continue;
            int j = best[i];
            if (colBest[j] != i) continue;
            out[n++] = i;
            out[n++] = j;
        }
        return Arrays.copyOf(out, n);
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

    /** Dot products of up to four queries (from row {@code i0}) with the {@code L} candidates of tile {@code t}. */
    private static void dotTile(float[] a, int i0, int rows, int dim, float[] bt, int t, float[] acc) {
        int o0 = i0 * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim, ob = t * dim * L;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        if (rows == 4) {
            for (int k = 0; k < dim; k++) {
                FloatVector vb = FloatVector.fromArray(S, bt, ob + k * L);
                s0 = vb.fma(FloatVector.broadcast(S, a[o0 + k]), s0);
                s1 = vb.fma(FloatVector.broadcast(S, a[o1 + k]), s1);
                s2 = vb.fma(FloatVector.broadcast(S, a[o2 + k]), s2);
                s3 = vb.fma(FloatVector.broadcast(S, a[o3 + k]), s3);
            }
        } else {
            for (int k = 0; k < dim; k++) {
                FloatVector vb = FloatVector.fromArray(S, bt, ob + k * L);
                s0 = vb.fma(FloatVector.broadcast(S, a[o0 + k]), s0);
                if (rows > 1) s1 = vb.fma(FloatVector.broadcast(S, a[o1 + k]), s1);
                if (rows > 2) s2 = vb.fma(FloatVector.broadcast(S, a[o2 + k]), s2);
            }
        }
        s0.intoArray(acc, 0);
        s1.intoArray(acc, L);
        s2.intoArray(acc, 2 * L);
        s3.intoArray(acc, 3 * L);
    }
}
