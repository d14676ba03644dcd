package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masked photos are composited over the job's background; an object whose colour is close to that background can
 * then be matched by Gaussians that are nearly transparent. Trained against a new random colour each iteration, the
 * object has to be opaque.
 */
class MaskedBackgroundTest {

    @Test
    void recompositingSwapsTheBackgroundBehindTheUncoveredPixelsOnly() {
        float[] photo = {0.2f, 0.4f, 0.6f, 0.8f};               // one channel of a 4-pixel photo, repeated for R, G, B
        float[] coverage = {1, 0.5f, 0, 0.25f};
        float[] from = {0, 0, 0}, to = {1, 0.5f, 0.25f};
        float[] image = new float[12], expected = new float[12], out = new float[12];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 4; p++) {
                image[c * 4 + p] = photo[p] * coverage[p] + from[c] * (1 - coverage[p]);
                expected[c * 4 + p] = photo[p] * coverage[p] + to[c] * (1 - coverage[p]);
            }
        }
        MaskedViews.recomposite(image, coverage, from, to, out);
        for (int i = 0; i < 12; i++) assertThat(out[i]).as("value %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void theContrastingBackgroundIsTheOneTheObjectsNearestTenthIsFurthestFrom() {
        // 20 object pixels: 18 pale (0.85), 2 mid grey (0.5), the rest of the view uncovered (white around them)
        float[] grey = new float[3 * 25], coverage = new float[25];
        java.util.Arrays.fill(grey, 1f);
        for (int p = 0; p < 20; p++) {
            coverage[p] = 1;
            for (int c = 0; c < 3; c++) grey[c * 25 + p] = p < 18 ? 0.85f : 0.5f;
        }
        Camera cam = SyntheticScene.lookAt("v", new double[] {3, 0, 0}, 5, 0.7);
        View pale = new View("v", cam, new RgbImage(5, 5, grey), coverage);
        assertThat(MaskedViews.contrastingBackground(List.of(pale), new float[] {1, 1, 1})).containsExactly(0, 0, 0);
        float[] dark = grey.clone();
        for (int i = 0; i < dark.length; i++) if (coverage[i % 25] == 1) dark[i] = 1 - dark[i];
        View darkView = new View("v", cam, new RgbImage(5, 5, dark), coverage);
        assertThat(MaskedViews.contrastingBackground(List.of(darkView), new float[] {0, 0, 0})).containsExactly(1, 1, 1);
        View plain = new View("v", cam, new RgbImage(5, 5, grey));
        assertThat(MaskedViews.contrastingBackground(List.of(plain), new float[] {0.2f, 0.3f, 0.4f}))
                .as("no masked view: the job's").containsExactly(0.2f, 0.3f, 0.4f);
    }

    @Test
    void aDarkObjectMaskedOverBlackTrainsOpaqueBehindRandomColours() {
        SceneDataset data = darkObjectOverBlack();
        double fixed = meanAlphaInsideTheObject(data, false);
        double random = meanAlphaInsideTheObject(data, true);
        assertThat(random).as("behind random colours the object must be opaque").isGreaterThan(0.9);
        assertThat(fixed).as("behind black the same training leaves the dark object partly transparent")
                .isLessThan(0.5);
    }

    /** Mean rendered opacity of the trained model over the held-out pixels the object covers. */
    private static double meanAlphaInsideTheObject(SceneDataset data, boolean random) {
        TrainConfig c = TrainerTest.config(400);
        c.background = new float[] {0, 0, 0};
        c.initPoints = 2000;
        c.initHalfExtent = 0.7;
        c.maskedBackground = random ? TrainConfig.MaskedBackground.RANDOM : TrainConfig.MaskedBackground.FIXED;
        try (CpuRasterizer r = new CpuRasterizer(2); Trainer t = new Trainer(data, c, r)) {
            t.train(ProgressListener.NONE);
            double sum = 0;
            int n = 0;
            for (View v : data.test()) {
                float[] alpha = r.forward(t.model(), v.camera(), RasterSettings.black()).alpha();
                for (int p = 0; p < alpha.length; p++) {
                    if (v.coverage()[p] > 0.99f) { sum += alpha[p]; n++; }
                }
            }
            return sum / n;
        }
    }

    /** A ball of near-black Gaussians (colour 0.04) rendered over black, each view with its exact coverage. */
    private static SceneDataset darkObjectOverBlack() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 80;
        GaussianModel gt = new GaussianModel(n);
        for (int i = 0; i < n; i++) {
            double th = rnd.nextDouble(0, 2 * Math.PI), ph = Math.acos(rnd.nextDouble(-1, 1)), rad = 0.4 * Math.cbrt(rnd.nextDouble());
            gt.set(i, (float) (rad * Math.sin(ph) * Math.cos(th)), (float) (rad * Math.sin(ph) * Math.sin(th)), (float) (rad * Math.cos(ph)),
                    0.15f, 0.15f, 0.15f, new float[] {1, 0, 0, 0}, 0.99f, 0.04f, 0.04f, 0.04f);
        }
        List<View> train = new ArrayList<>(), test = new ArrayList<>();
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            for (int i = 0; i < 24; i++) {
                double az = 2 * Math.PI * i / 24 * 3.0, el = Math.toRadians(-30 + 60.0 * i / 24);
                double[] centre = {3 * Math.cos(el) * Math.cos(az), 3 * Math.cos(el) * Math.sin(az), 3 * Math.sin(el)};
                Camera cam = SyntheticScene.lookAt("v" + i, centre, 32, 0.7);
                RenderResult res = r.forward(gt, cam, RasterSettings.black());
                View v = new View("v" + i, cam, new RgbImage(32, 32, res.rgb().clone()).clamped(), res.alpha().clone());
                (i % 8 == 0 ? test : train).add(v);
            }
        }
        return new SceneDataset("dark-ball", train, test, new float[0], new float[0]);
    }
}
