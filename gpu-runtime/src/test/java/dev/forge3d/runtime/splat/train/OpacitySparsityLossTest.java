package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OpacitySparsityLossTest {

    @Test
    void gradientMatchesCentralDifferencesOnEveryOpacityLogit() {
        java.util.Random r = new java.util.Random(11);
        GaussianModel m = new GaussianModel(9);
        for (int i = 0; i < m.size(); i++) {
            m.set(i, 0, 0, 0, 0.1f, 0.1f, 0.1f, new float[] {1, 0, 0, 0}, 0.02f + 0.96f * r.nextFloat(), 0.5f, 0.5f, 0.5f);
        }
        double weight = 0.01;
        GaussianGradients g = new GaussianGradients(m.size());
        double loss = OpacitySparsityLoss.addGradient(m, weight, g);
        assertThat(loss).isCloseTo(OpacitySparsityLoss.value(m, weight), within(1e-12));
        float[] o = m.opacityLogits();
        float[] analytic = g.get(ParamGroup.OPACITY);
        double h = 1e-3;
        for (int i = 0; i < o.length && i < m.size(); i++) {
            float keep = o[i];
            o[i] = (float) (keep + h);
            double up = OpacitySparsityLoss.value(m, weight);
            o[i] = (float) (keep - h);
            double down = OpacitySparsityLoss.value(m, weight);
            o[i] = keep;
            double numeric = (up - down) / (2 * h);
            assertThat((double) analytic[i]).as("d/d opacity logit[%d]", i).isCloseTo(numeric, within(1e-3 * Math.abs(numeric) + 1e-9));
            assertThat(analytic[i]).isPositive();
        }
        assertThat(g.get(ParamGroup.LOG_SCALE)).containsOnly(0f);
    }

    @Test
    void aNegativeWeightIsRefused() {
        TrainConfig c = new TrainConfig();
        c.opacitySparsityWeight = -0.1;
        assertThatThrownBy(c::validate).hasMessageContaining("--opacity-sparsity");
    }
}
