package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;

import java.util.Arrays;
import java.util.List;

/**
 * Leaves out the background that stood still in front of a fixed camera. On a turntable the camera stands still
 * while the product turns: the room, the table and any mark on the backdrop stay on the same pixels in every photo
 * taken from that camera position, and their matches describe a camera that did not move, contradicting the
 * product's motion. When the camera is raised for a second ring of photos, the same background seen from the two
 * heights even forms a consistent (and wrong) structure of its own. So a keypoint that stayed on its pixel in a pair
 * that otherwise moved is background, and it is dropped from every pair of its photo, not only from the pair where
 * it stood still.
 *
 * <p>A match that does not move says nothing about the relative pose of two photos taken from different places, and
 * two photos taken from one place give no depth, so handheld sets lose at most a few coincidental matches. Pairs in
 * which (nearly) nothing moved are duplicates or bracketed shots, not a turntable: they mark nothing.
 */
public final class StaticMatchFilter {

    private StaticMatchFilter() { }

    /**
     * Marks, per photo, the keypoints that stood still in some pair with at least {@code minMoving} matches that moved.
     *
     * @param pairs      {@code [imageA, imageB]} per pair
     * @param matches    per pair, {@code [kpA0, kpB0, kpA1, kpB1, ...]}
     * @param maxShiftPx per pair, the largest shift (full-resolution pixels) still counted as "did not move"
     */
    public static boolean[][] stillKeypoints(List<ImageFeatures> features, List<int[]> pairs, List<int[]> matches,
                                             double[] maxShiftPx, int minMoving) {
        boolean[][] still = new boolean[features.size()][];
        for (int i = 0; i < still.length; i++) still[i] = new boolean[features.get(i).size()];
        for (int p = 0; p < pairs.size(); p++) {
            int a = pairs.get(p)[0], b = pairs.get(p)[1];
            int[] m = matches.get(p);
            ImageFeatures fa = features.get(a), fb = features.get(b);
            int moving = 0;
            for (int i = 0; i < m.length; i += 2) if (!stayed(fa, fb, m[i], m[i + 1], maxShiftPx[p])) moving++;
            if (moving < minMoving) continue;
            for (int i = 0; i < m.length; i += 2) {
                if (stayed(fa, fb, m[i], m[i + 1], maxShiftPx[p])) {
                    still[a][m[i]] = true;
                    still[b][m[i + 1]] = true;
                }
            }
        }
        return still;
    }

    /**
     * The matches that moved and involve no still keypoint.
     *
     * @param stillA keypoints of photo A marked still (or null: none)
     * @param stillB the same for photo B
     * @return the matches kept (the same array when none was dropped)
     */
    public static int[] moving(ImageFeatures a, ImageFeatures b, int[] matches, double maxShiftPx,
                               boolean[] stillA, boolean[] stillB) {
        int[] out = new int[matches.length];
        int n = 0;
        for (int i = 0; i < matches.length; i += 2) {
            int ka = matches[i], kb = matches[i + 1];
            if (stayed(a, b, ka, kb, maxShiftPx) || (stillA != null && stillA[ka]) || (stillB != null && stillB[kb])) {
                continue;
            }
            out[n++] = ka;
            out[n++] = kb;
        }
        return n == matches.length ? matches : Arrays.copyOf(out, n);
    }

    /** {@link #moving(ImageFeatures, ImageFeatures, int[], double, boolean[], boolean[])} without still keypoints. */
    public static int[] moving(ImageFeatures a, ImageFeatures b, int[] matches, double maxShiftPx) {
        return moving(a, b, matches, maxShiftPx, null, null);
    }

    /** Whether the match stayed within {@code maxShiftPx}; never when the limit is negative (filter off). */
    private static boolean stayed(ImageFeatures a, ImageFeatures b, int ka, int kb, double maxShiftPx) {
        if (maxShiftPx < 0) return false;
        double dx = a.x()[ka] - b.x()[kb], dy = a.y()[ka] - b.y()[kb];
        return dx * dx + dy * dy <= maxShiftPx * maxShiftPx;
    }
}
