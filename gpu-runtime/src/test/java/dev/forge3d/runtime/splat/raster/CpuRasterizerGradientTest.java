package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Analytic gradients of the CPU rasterizer against central finite differences of a double-precision reference
 * renderer, for every parameter group, on tiny random scenes spanning several tiles. The loss is a random linear
 * functional of RGB, alpha and depth, so every output channel's backward path is exercised.
 */
class CpuRasterizerGradientTest {

    static final int W = 40, H = 36;
    static final double[] BG = {0.9, 0.6, 0.3};

    private static double loss(double[] out, double[] weights) {
        double s = 0;
        for (int i = 0; i < out.length; i++) s += out[i] * weights[i];
        return s;
    }

    @Test
    void forwardMatchesDoubleReference() {
        GaussianModel m = TestScenes.random(12, 7, 3);
        Camera cam = TestScenes.camera(W, H);
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            RenderResult res = r.forward(m, cam, new RasterSettings(new float[] {0.9f, 0.6f, 0.3f}));
            double[] ref = DoubleReferenceRenderer.render(DoubleReferenceRenderer.params(m), m.size(), 3, cam, BG);
            int plane = W * H;
            double maxErr = 0, coverage = 0;
            for (int i = 0; i < 3 * plane; i++) maxErr = Math.max(maxErr, Math.abs(res.rgb()[i] - ref[i]));
            for (int i = 0; i < plane; i++) {
                maxErr = Math.max(maxErr, Math.abs(res.alpha()[i] - ref[3 * plane + i]));
                maxErr = Math.max(maxErr, Math.abs(res.depth()[i] - ref[4 * plane + i]) / 4);
                coverage += ref[3 * plane + i];
            }
            assertThat(coverage / plane).as("the scene covers a good part of the image").isGreaterThan(0.2);
            assertThat(maxErr).isLessThan(2e-5);
        }
    }

    @ParameterizedTest
    @EnumSource(ParamGroup.class)
    void gradientsMatchFiniteDifferences(ParamGroup group) {
        check(group, true);
    }

    @ParameterizedTest
    @EnumSource(ParamGroup.class)
    void rgbOnlyGradientsMatchFiniteDifferences(ParamGroup group) {
        check(group, false); // the training path: no alpha or depth gradient
    }

    private void check(ParamGroup group, boolean alphaAndDepth) {
        int n = 10;
        GaussianModel m = TestScenes.random(n, 11 + group.ordinal(), 3);
        Camera cam = TestScenes.camera(W, H);
        int plane = W * H;
        SplittableRandom rnd = new SplittableRandom(3);
        double[] weights = new double[5 * plane];
        for (int i = 0; i < weights.length; i++) weights[i] = i >= 3 * plane && !alphaAndDepth ? 0 : rnd.nextDouble(-1, 1) * (i >= 4 * plane ? 0.1 : 1);
        float[] dRgb = new float[3 * plane], dA = new float[plane], dD = new float[plane];
        for (int i = 0; i < 3 * plane; i++) dRgb[i] = (float) weights[i];
        for (int i = 0; i < plane; i++) { dA[i] = (float) weights[3 * plane + i]; dD[i] = (float) weights[4 * plane + i]; }

        GaussianGradients grads = new GaussianGradients(n);
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            RenderResult res = r.forward(m, cam, new RasterSettings(new float[] {0.9f, 0.6f, 0.3f}));
            grads.reset(n);
            r.backward(res, alphaAndDepth ? new ImageGradient(dRgb, dA, dD) : ImageGradient.ofRgb(dRgb), grads);
        }
        float[] analytic = grads.get(group);
        double[][] p = DoubleReferenceRenderer.params(m);
        double[] values = p[group.ordinal()];
        int count = n * group.dim;
        double[] fd = new double[count];
        boolean[] smooth = new boolean[count];
        double maxFd = 0;
        for (int k = 0; k < count; k++) {
            double orig = values[k];
            double e = 1e-5;
            values[k] = orig + e; double lp = loss(DoubleReferenceRenderer.render(p, n, 3, cam, BG), weights);
            values[k] = orig - e; double lm = loss(DoubleReferenceRenderer.render(p, n, 3, cam, BG), weights);
            values[k] = orig + e / 2; double lp2 = loss(DoubleReferenceRenderer.render(p, n, 3, cam, BG), weights);
            values[k] = orig - e / 2; double lm2 = loss(DoubleReferenceRenderer.render(p, n, 3, cam, BG), weights);
            values[k] = orig;
            double d1 = (lp - lm) / (2 * e), d2 = (lp2 - lm2) / e;
            fd[k] = d2;
            // a cut-off (alpha < 1/255, T < 1e-4, tile edge) crossed inside the step shows as disagreeing step sizes
            smooth[k] = Math.abs(d1 - d2) <= 1e-4 * (Math.abs(d2) + 1e-2);
            if (smooth[k]) maxFd = Math.max(maxFd, Math.abs(d2));
        }
        assertThat(maxFd).as("the group's gradients are not all zero").isGreaterThan(1e-3);
        int checked = 0, skipped = 0;
        double worst = 0;
        for (int k = 0; k < count; k++) {
            if (!smooth[k]) { skipped++; continue; }
            checked++;
            double err = Math.abs(analytic[k] - fd[k]) / Math.max(Math.abs(fd[k]), 1e-2 * maxFd);
            worst = Math.max(worst, err);
            assertThat(err).as("%s[%d]: analytic %g vs finite difference %g", group, k, analytic[k], fd[k]).isLessThan(1e-4);
        }
        assertThat(skipped).as("few parameters sit on a cut-off").isLessThanOrEqualTo(count / 10);
        System.out.printf("gradient check %-9s %s checked %3d skipped %d worst relative error %.2e%n", group, alphaAndDepth ? "rgb+alpha+depth" : "rgb only      ", checked, skipped, worst);
    }
}
