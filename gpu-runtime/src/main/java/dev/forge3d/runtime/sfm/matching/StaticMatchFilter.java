package dev.forge3d.runtime.sfm.matching;

import dev.forge3d.runtime.sfm.features.ImageFeatures;

import java.util.Arrays;

/**
 * Drops matches that did not move between two photos. On a turntable the camera stands still while the product
 * turns: the room, the table and any mark on the backdrop stay on the same pixels in every photo, and their matches
 * describe a camera that did not move, contradicting the product's motion (a pair's RANSAC may even pick the
 * background's "no motion" over the product). A match that stays on its pixel says nothing about the relative pose
 * of two photos taken from different places, and two photos taken from the same place give no depth at all, so such
 * matches are never useful to structure from motion. Handheld photos lose at most a few coincidental matches.
 */
public final class StaticMatchFilter {

    private StaticMatchFilter() { }

    /**
     * @param matches      pairs {@code [kpA0, kpB0, kpA1, kpB1, ...]}
     * @param maxShiftPx   largest shift (full-resolution pixels) still counted as "did not move": about one pixel of
     *                     the image the features were found on
     * @return the matches that moved (the same array when none was static)
     */
    public static int[] moving(ImageFeatures a, ImageFeatures b, int[] matches, double maxShiftPx) {
        double limitSq = maxShiftPx * maxShiftPx;
        int[] out = new int[matches.length];
        int n = 0;
        for (int i = 0; i < matches.length; i += 2) {
            double dx = a.x()[matches[i]] - b.x()[matches[i + 1]];
            double dy = a.y()[matches[i]] - b.y()[matches[i + 1]];
            if (dx * dx + dy * dy > limitSq) {
                out[n++] = matches[i];
                out[n++] = matches[i + 1];
            }
        }
        return n == matches.length ? matches : Arrays.copyOf(out, n);
    }
}
