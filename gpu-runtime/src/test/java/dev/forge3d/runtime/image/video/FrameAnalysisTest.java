package dev.forge3d.runtime.image.video;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameAnalysisTest {

    /** A 320x240 crop at horizontal offset {@code dx} of smooth value noise (features a few pixels to tens wide). */
    private static byte[] crop(float[] tex, int tw, int dx) {
        int w = 320, h = 240;
        byte[] g = new byte[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) g[y * w + x] = (byte) Math.round(255 * tex[y * tw + x + dx]);
        return g;
    }

    private static float[] texture(int tw, int th, long seed) {
        Random r = new Random(seed);
        float[] t = new float[tw * th];
        for (int scale : new int[] {32, 8, 3}) {
            int gw = tw / scale + 2, gh = th / scale + 2;
            float[] grid = new float[gw * gh];
            for (int i = 0; i < grid.length; i++) grid[i] = r.nextFloat();
            for (int y = 0; y < th; y++) for (int x = 0; x < tw; x++) {
                float fx = (float) x / scale, fy = (float) y / scale;
                int ix = (int) fx, iy = (int) fy;
                float ax = fx - ix, ay = fy - iy;
                t[y * tw + x] += ((1 - ax) * (1 - ay) * grid[iy * gw + ix] + ax * (1 - ay) * grid[iy * gw + ix + 1]
                        + (1 - ax) * ay * grid[(iy + 1) * gw + ix] + ax * ay * grid[(iy + 1) * gw + ix + 1]) / 3;
            }
        }
        return t;
    }

    @Test
    void motionIsMeasuredFromAPixelToTensOfPixels() {
        int tw = 400;
        float[] tex = texture(tw, 240, 9);
        byte[] a = crop(tex, tw, 0);
        double last = 0;
        for (int dx : new int[] {1, 3, 6, 12, 24}) {
            double m = FrameAnalysis.motion(a, crop(tex, tw, dx), 320, 240);
            // Within a factor of 2 of the true shift (measured 1.2, 5.3, 11.1, 19.8, 25.0 px for 1, 3, 6, 12, 24 px:
            // it errs high, which spaces frames closer), and growing with it (the single-scale estimate saturated).
            assertThat(m).as("shift %d px", dx).isBetween(dx / 2.0, dx * 2.0);
            assertThat(m).isGreaterThan(last);
            last = m;
        }
        assertThat(FrameAnalysis.motion(a, a.clone(), 320, 240)).isZero();
    }
}
