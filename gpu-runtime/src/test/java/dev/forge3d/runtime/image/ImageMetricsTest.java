package dev.forge3d.runtime.image;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class ImageMetricsTest {

    private static RgbImage noise(int w, int h, long seed, double amp, RgbImage base) {
        SplittableRandom r = new SplittableRandom(seed);
        RgbImage out = new RgbImage(w, h);
        for (int i = 0; i < out.data().length; i++) out.data()[i] = (float) ((base == null ? 0.5 : base.data()[i]) + amp * (r.nextDouble() - 0.5));
        return out;
    }

    @Test
    void psnrOfAConstantErrorIsExact() {
        RgbImage a = new RgbImage(4, 4), b = new RgbImage(4, 4);
        java.util.Arrays.fill(b.data(), 0.1f);
        assertThat(ImageMetrics.psnr(a, b)).isCloseTo(20.0, offset(1e-5));
        assertThat(ImageMetrics.psnr(a, a)).isInfinite();
    }

    @Test
    void ssimIsOneForIdenticalImagesAndDropsWithNoise() {
        RgbImage a = noise(24, 20, 1, 0.8, null);
        assertThat(ImageMetrics.ssim(a, a)).isCloseTo(1.0, offset(1e-6));
        RgbImage b = noise(24, 20, 2, 0.2, a);
        double s = ImageMetrics.ssim(a, b);
        assertThat(s).isBetween(0.3, 0.99);
        assertThat(ImageMetrics.ssim(b, a)).isCloseTo(s, offset(1e-6));
    }

    @Test
    void ssimGradientMatchesFiniteDifferences() {
        int w = 15, h = 13;
        RgbImage y = noise(w, h, 3, 0.8, null);
        RgbImage x = noise(w, h, 4, 0.3, y);
        float[] grad = new float[x.data().length];
        Ssim.compute(x.data(), y.data(), w, h, grad);
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 40; k++) {
            int i = r.nextInt(x.data().length);
            float orig = x.data()[i];
            float e = 1e-2f;
            x.data()[i] = orig + e;
            double sp = Ssim.compute(x.data(), y.data(), w, h, null);
            x.data()[i] = orig - e;
            double sm = Ssim.compute(x.data(), y.data(), w, h, null);
            x.data()[i] = orig;
            double fd = (sp - sm) / (2 * e);
            assertThat((double) grad[i]).as("pixel %d", i).isCloseTo(fd, offset(2e-3 * Math.abs(fd) + 2e-6));
        }
    }

    @Test
    void boxDownscaleAveragesBlocks() {
        RgbImage a = new RgbImage(4, 2);
        for (int x = 0; x < 4; x++) for (int y = 0; y < 2; y++) a.set(0, x, y, x + 4 * y);
        RgbImage d = Downscale.box(a, 2);
        assertThat(d.width()).isEqualTo(2);
        assertThat(d.get(0, 0, 0)).isEqualTo((0 + 1 + 4 + 5) / 4f);
        assertThat(d.get(0, 1, 0)).isEqualTo((2 + 3 + 6 + 7) / 4f);
    }
}
