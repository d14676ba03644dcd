package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FlatteningLossTest {

    private static GaussianModel randomModel(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        GaussianModel m = new GaussianModel(n);
        for (int i = 0; i < n; i++) {
            m.set(i, r.nextFloat(), r.nextFloat(), r.nextFloat(),
                    0.01f + 0.2f * r.nextFloat(), 0.01f + 0.2f * r.nextFloat(), 0.01f + 0.2f * r.nextFloat(),
                    new float[] {1, 0, 0, 0}, 0.5f, 0.5f, 0.5f, 0.5f);
        }
        return m;
    }

    @Test
    void gradientMatchesCentralDifferencesOnEveryLogScale() {
        GaussianModel m = randomModel(7, 3);
        double weight = 100, extent = 1.7;
        GaussianGradients g = new GaussianGradients(m.size());
        double loss = FlatteningLoss.addGradient(m, weight, extent, g);
        assertThat(loss).isCloseTo(FlatteningLoss.value(m, weight, extent), within(1e-9));
        float[] ls = m.logScales();
        float[] analytic = g.get(ParamGroup.LOG_SCALE);
        double h = 1e-3;
        int nonZero = 0;
        for (int j = 0; j < ls.length; j++) {
            float keep = ls[j];
            ls[j] = (float) (keep + h);
            double up = FlatteningLoss.value(m, weight, extent);
            ls[j] = (float) (keep - h);
            double down = FlatteningLoss.value(m, weight, extent);
            ls[j] = keep;
            double numeric = (up - down) / (2 * h);
            assertThat((double) analytic[j]).as("d/d logScale[%d]", j).isCloseTo(numeric, within(1e-3 * Math.abs(numeric) + 1e-6));
            if (analytic[j] != 0) nonZero++;
        }
        assertThat(nonZero).as("one axis per Gaussian").isEqualTo(m.size());
        // the other groups are untouched
        assertThat(g.get(ParamGroup.POSITION)).containsOnly(0f);
        assertThat(g.get(ParamGroup.OPACITY)).containsOnly(0f);
    }

    @Test
    void gradientAddsToWhatIsThere() {
        GaussianModel m = randomModel(4, 5);
        GaussianGradients g = new GaussianGradients(m.size());
        FlatteningLoss.addGradient(m, 10, 1, g);
        float[] once = g.get(ParamGroup.LOG_SCALE).clone();
        FlatteningLoss.addGradient(m, 10, 1, g);
        float[] twice = g.get(ParamGroup.LOG_SCALE);
        for (int j = 0; j < once.length; j++) assertThat(twice[j]).isCloseTo(2 * once[j], within(1e-6f));
        assertThat(FlatteningLoss.addGradient(m, 0, 1, new GaussianGradients(m.size()))).isZero();
    }

    @Test
    void trainingWithItLeavesFlatterGaussiansThanWithout() {
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            double[] ratio = new double[2];
            for (int run = 0; run < 2; run++) {
                TrainConfig cfg = TrainerTest.config(250);
                cfg.flattenWeight = run == 0 ? 0 : 100;
                Trainer t = new Trainer(SyntheticScene.dataset(24, 32), cfg, r);
                t.train(p -> { });
                ratio[run] = medianSmallestOverMiddle(t.model());
                t.close();
            }
            System.out.printf("median smallest/middle scale after 250 iterations: %.3f without, %.3f with flattening%n", ratio[0], ratio[1]);
            assertThat(ratio[1]).isLessThan(0.5 * ratio[0]);
        }
    }

    @Test
    void aNegativeOrInfiniteWeightIsRefused() {
        TrainConfig c = new TrainConfig();
        c.flattenWeight = -1;
        assertThatThrownBy(c::validate).hasMessageContaining("--flatten");
        c.flattenWeight = Double.POSITIVE_INFINITY;
        assertThatThrownBy(c::validate).hasMessageContaining("--flatten");
    }

    private static double medianSmallestOverMiddle(GaussianModel m) {
        float[] ls = m.logScales();
        double[] r = new double[m.size()];
        for (int i = 0; i < m.size(); i++) {
            double[] s = {ls[3 * i], ls[3 * i + 1], ls[3 * i + 2]};
            Arrays.sort(s);
            r[i] = Math.exp(s[0] - s[1]);
        }
        Arrays.sort(r);
        return r[r.length / 2];
    }
}
