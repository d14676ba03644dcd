package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.splat.raster.RasterSettings;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackgroundPolicyTest {

    @Test
    void whiteIsAlwaysWhiteAndDrawsNothing() {
        Random a = new Random(3), b = new Random(3);
        for (int i = 0; i < 10; i++) assertThat(BackgroundPolicy.WHITE.sample(a).background()).containsExactly(1f, 1f, 1f);
        assertThat(a.nextLong()).as("the random stream is untouched, so white-background runs stay reproducible").isEqualTo(b.nextLong());
    }

    @Test
    void randomIsWhiteAboutHalfTheTimeAndOtherwiseAnyColour() {
        Random rnd = new Random(11);
        int white = 0, n = 4000;
        double[] mean = new double[3];
        for (int i = 0; i < n; i++) {
            RasterSettings s = BackgroundPolicy.RANDOM.sample(rnd);
            float[] c = s.background();
            if (c[0] == 1f && c[1] == 1f && c[2] == 1f) { white++; continue; }
            for (int k = 0; k < 3; k++) {
                assertThat(c[k]).isBetween(0f, 1f);
                mean[k] += c[k];
            }
        }
        assertThat(white).isBetween(n / 2 - 150, n / 2 + 150);
        for (int k = 0; k < 3; k++) assertThat(mean[k] / (n - white)).isBetween(0.45, 0.55);
    }

    @Test
    void parsesWordsAndTreatsAMissingFieldAsWhite() {
        assertThat(BackgroundPolicy.parse(null)).isEqualTo(BackgroundPolicy.WHITE);
        assertThat(BackgroundPolicy.parse(" Random ")).isEqualTo(BackgroundPolicy.RANDOM);
        assertThatThrownBy(() -> BackgroundPolicy.parse("checkerboard")).hasMessageContaining("white or random");
    }
}
