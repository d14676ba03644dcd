package dev.forge3d.runtime.sfm.features;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Keypoints come largest scale first: preemptive matching ranks photo pairs on that prefix. */
class SiftExtractorTest {

    @Test
    void largestScaleKeypointsComeFirst() {
        int w = 400, h = 400;
        float[] g = new float[w * h];
        java.util.Arrays.fill(g, 0.5f);
        double[][] big = {{100, 100}, {300, 110}, {110, 290}, {290, 300}};
        Random r = new Random(5);
        double[][] small = new double[40][];
        for (int i = 0; i < small.length; i++) {
            // Small blobs away from the big ones.
            double x, y;
            do { x = 20 + 360 * r.nextDouble(); y = 20 + 360 * r.nextDouble(); } while (nearAny(x, y, big, 45));
            small[i] = new double[] {x, y};
        }
        for (double[] b : big) blob(g, w, h, b[0], b[1], 12, -0.4f);
        for (double[] s : small) blob(g, w, h, s[0], s[1], 1.5, 0.4f);

        ImageFeatures f = new SiftExtractor(2000).extract(g, w, h, 1, 1);
        // Every keypoint on a large blob's centre comes before every keypoint on a small blob's centre.
        int lastBig = -1, firstSmall = Integer.MAX_VALUE;
        boolean[] bigFound = new boolean[big.length];
        boolean[] smallFound = new boolean[small.length];
        for (int i = 0; i < f.size(); i++) {
            int b = nearest(f.x()[i], f.y()[i], big), s = nearest(f.x()[i], f.y()[i], small);
            if (Math.hypot(f.x()[i] - big[b][0], f.y()[i] - big[b][1]) < 3) {
                lastBig = i;
                bigFound[b] = true;
            }
            if (Math.hypot(f.x()[i] - small[s][0], f.y()[i] - small[s][1]) < 2) {
                firstSmall = Math.min(firstSmall, i);
                smallFound[s] = true;
            }
        }
        assertThat(bigFound).as("every large blob found").containsOnly(true);
        int smallCount = 0;
        for (boolean v : smallFound) if (v) smallCount++;
        assertThat(smallCount).as("small blobs found").isGreaterThanOrEqualTo(30);
        assertThat(lastBig).as("last keypoint on a large blob, before the first on a small one (%d)", firstSmall)
                .isLessThan(firstSmall);
    }

    private static void blob(float[] g, int w, int h, double cx, double cy, double sigma, float amplitude) {
        int rad = (int) Math.ceil(4 * sigma);
        for (int y = Math.max(0, (int) cy - rad); y <= Math.min(h - 1, (int) cy + rad); y++) {
            for (int x = Math.max(0, (int) cx - rad); x <= Math.min(w - 1, (int) cx + rad); x++) {
                double d2 = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy);
                g[y * w + x] += (float) (amplitude * Math.exp(-d2 / (2 * sigma * sigma)));
            }
        }
    }

    private static boolean nearAny(double x, double y, double[][] pts, double dist) {
        for (double[] p : pts) if (Math.hypot(x - p[0], y - p[1]) < dist) return true;
        return false;
    }

    private static int nearest(double x, double y, double[][] pts) {
        int best = 0;
        for (int i = 1; i < pts.length; i++) {
            if (Math.hypot(x - pts[i][0], y - pts[i][1]) < Math.hypot(x - pts[best][0], y - pts[best][1])) best = i;
        }
        return best;
    }
}
