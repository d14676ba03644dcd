package dev.forge3d.runtime.mesh;

import dev.forge3d.runtime.splat.GaussianModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The density and colour grid of a splat model, as the density export and the outer surface's colours use it. */
class GaussianDensityGridTest {

    @Test
    void everySampleTakesTheColourOfTheNearestGaussiansEvenWhereNoneReaches() {
        // two small Gaussians at opposite corners of a large grid: most samples are far beyond any 3-sigma reach
        GaussianModel m = new GaussianModel(2);
        float[] q = {1, 0, 0, 0};
        m.set(0, -0.9f, -0.9f, -0.9f, 0.02f, 0.02f, 0.02f, q, 0.9f, 0.8f, 0.2f, 0.1f);
        m.set(1, 0.9f, 0.9f, 0.9f, 0.02f, 0.02f, 0.02f, q, 0.9f, 0.1f, 0.3f, 0.9f);
        GaussianDensityGrid.Splats s = GaussianDensityGrid.Splats.of(m);
        // opacities through the sigmoid, display colours made linear
        assertThat(s.opacities()[0]).isCloseTo(0.9f, within(1e-4f));
        assertThat(s.colours()[0]).isCloseTo(Srgb.toLinear(0.8f), within(1e-3f));
        ScalarGrid g = s.sample(new double[] {-1, -1, -1}, 2, 40);

        float[] c = new float[3];
        g.colourAt(-0.7, -0.75, -0.8, c, 0);   // nearer the first, beyond its reach
        assertThat(c[0]).isCloseTo(Srgb.toLinear(0.8f), within(1e-3f));
        assertThat(c[2]).isCloseTo(Srgb.toLinear(0.1f), within(1e-3f));
        g.colourAt(0.6, 0.7, 0.65, c, 0);      // nearer the second
        assertThat(c[0]).isCloseTo(Srgb.toLinear(0.1f), within(1e-3f));
        assertThat(c[2]).isCloseTo(Srgb.toLinear(0.9f), within(1e-3f));
        // no sample is left black
        for (int i = 0; i < g.values().length; i++) {
            assertThat(g.rgb[3 * i] + g.rgb[3 * i + 1] + g.rgb[3 * i + 2]).isGreaterThan(0.05f);
        }
    }
}
