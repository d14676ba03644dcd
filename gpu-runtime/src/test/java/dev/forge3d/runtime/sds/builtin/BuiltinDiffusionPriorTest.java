package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.DiffusionPrior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The committed weights load, fit their recipe, and classifier-free guidance combines the two branches. */
class BuiltinDiffusionPriorTest {

    static BuiltinDiffusionPrior prior;

    @BeforeAll
    static void load() { prior = BuiltinDiffusionPrior.loadBundled(); }

    @AfterAll
    static void close() { prior.close(); }

    @Test
    void recipeDescribesTheWeights() {
        PriorRecipe r = prior.recipe();
        assertThat(r.command()).startsWith("./forge3d train-prior");
        assertThat(r.imageSize()).isEqualTo(prior.imageSize());
        assertThat(r.textDim()).isEqualTo(CaptionGrounding.DIM);
        assertThat(r.conditioning()).isEqualTo(PriorRecipe.CAPTION_GROUNDING);
        assertThat(r.finalLoss()).isBetween(0.0, 0.5);
        assertThat(r.parameters()).isGreaterThan(100_000);
        // the committed recipe is white-background: its renders, and so SDS and the self-check, are on white
        assertThat(prior.background()).isEqualTo(BackgroundPolicy.WHITE);
    }

    @Test
    void guidedPredictionIsTheClassifierFreeCombination() {
        int s = prior.imageSize(), per = 3 * s * s;
        Random rnd = new Random(1);
        float[] x = new float[2 * per];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        int[] t = {300, 800};
        DiffusionPrior.Conditioning c = prior.encode("a red cube");
        assertThat(c.embedding()).hasSize(CaptionGrounding.DIM);
        float[] uncond = prior.predictNoise(x, t, c, 0), cond = prior.predictNoise(x, t, c, 1), g = prior.predictNoise(x, t, c, 7.5);
        assertThat(g).hasSize(2 * per);
        double diff = 0;
        for (int k = 0; k < g.length; k++) {
            assertThat((double) g[k]).isCloseTo(uncond[k] + 7.5 * (cond[k] - uncond[k]), within(1e-3));
            diff += Math.abs(cond[k] - uncond[k]);
        }
        assertThat(diff / g.length).as("the prompt changes the prediction").isGreaterThan(1e-3);
    }
}
