package dev.forge3d.runtime.sfm.geometry;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A weak pair (a minority of right matches among random ones, as between two far-apart photos of a real capture) is
 * verified with its right matches and without the wrong ones: the Sampson-scored seven-point RANSAC with local
 * optimisation finds the model that a minimal sample only half catches.
 */
class TwoViewVerifierTest {

    private static final double FOCAL = 1500, W = 2000, H = 1500;

    @Test
    void aWeakPairKeepsItsRightMatchesAndDropsTheRandomOnes() {
        Random r = new Random(11);
        int good = 40, bad = 70, n = good + bad;
        double[] xa = new double[n], ya = new double[n], xb = new double[n], yb = new double[n];
        double a = Math.toRadians(25), c = Math.cos(a), s = Math.sin(a);
        for (int i = 0; i < good; i++) {
            // A point in front of both cameras; camera B turned 25 degrees about y and moved sideways.
            double x = 3 * r.nextDouble() - 1.5, y = 2 * r.nextDouble() - 1, z = 4 + 3 * r.nextDouble();
            double x2 = c * x + s * z - 1.8, y2 = y + 0.1, z2 = -s * x + c * z + 0.4;
            xa[i] = FOCAL * x / z + W / 2 + 0.3 * r.nextGaussian();
            ya[i] = FOCAL * y / z + H / 2 + 0.3 * r.nextGaussian();
            xb[i] = FOCAL * x2 / z2 + W / 2 + 0.3 * r.nextGaussian();
            yb[i] = FOCAL * y2 / z2 + H / 2 + 0.3 * r.nextGaussian();
        }
        for (int i = good; i < n; i++) {
            xa[i] = W * r.nextDouble(); ya[i] = H * r.nextDouble();
            xb[i] = W * r.nextDouble(); yb[i] = H * r.nextDouble();
        }
        // Keypoint i of A matched to keypoint i of B.
        int[] matches = new int[2 * n];
        for (int i = 0; i < n; i++) { matches[2 * i] = i; matches[2 * i + 1] = i; }
        ImageFeatures fa = new ImageFeatures(xa, ya, new float[0], 128), fb = new ImageFeatures(xb, yb, new float[0], 128);

        TwoViewGeometry g = new TwoViewVerifier(4.0, 15, 2000, 42).verify(0, 1, fa, fb, matches, null, null);

        assertThat(g).as("the weak pair is verified").isNotNull();
        Set<Integer> kept = new HashSet<>();
        for (int q = 0; q < g.matches().length; q += 2) kept.add(g.matches()[q]);
        long right = kept.stream().filter(i -> i < good).count();
        assertThat(right).as("right matches kept").isGreaterThanOrEqualTo(good * 9 / 10);
        // A random match lies within 4 px of its epipolar line by chance now and then: a handful at most.
        assertThat(kept.size() - right).as("random matches kept").isLessThanOrEqualTo(6);
    }
}
