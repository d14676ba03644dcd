package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GaussianInitializerTest {

    @Test
    void sfmPointsKeepTheirPlaceAndColourBesideTheRandomOnes() {
        float[] points = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
        float[] colours = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0.5f};
        GaussianModel random = GaussianInitializer.random(50, 2.0, new Rng(3));
        GaussianModel m = GaussianInitializer.fromPointsAndModel(points, colours, random);

        assertThat(m.size()).isEqualTo(4 + 50);
        for (int i = 0; i < 12; i++) {
            assertThat(m.positions()[i]).isEqualTo(points[i]);
            assertThat(m.shDc()[i]).isEqualTo(GaussianModel.rgbToSh(colours[i]));
        }
        for (int i = 0; i < 3 * 50; i++) {
            assertThat(m.positions()[12 + i]).isEqualTo(random.positions()[i]);
            assertThat(m.shDc()[12 + i]).isEqualTo(random.shDc()[i]);
        }
        // scales come from the joint point set: an SfM point's nearest neighbours may be random points
        GaussianModel alone = GaussianInitializer.fromPoints(points, colours);
        assertThat(m.logScales()[0]).isLessThanOrEqualTo(alone.logScales()[0]);
    }
}
