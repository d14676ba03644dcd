package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prior's training renders: every shape/colour pair, on the policy's backgrounds, object in the middle. */
class ShapeRenderDatasetTest {

    @Test
    void whitePolicyRendersOnWhite() {
        ShapeRenderDataset d = ShapeRenderDataset.render(16, 1, 5, BackgroundPolicy.WHITE, 1, ProgressListener.NONE);
        assertThat(d.count()).isEqualTo(40);
        for (int i = 0; i < d.count(); i++) assertThat(corner(d, i)).containsExactly(1f, 1f, 1f);
    }

    @Test
    void randomPolicyMixesWhiteAndColouredBackgroundsBehindTheSameObjects() {
        ShapeRenderDataset d = ShapeRenderDataset.render(16, 2, 5, BackgroundPolicy.RANDOM, 1, ProgressListener.NONE);
        int white = 0, coloured = 0;
        for (int i = 0; i < d.count(); i++) {
            float[] c = corner(d, i);
            if (c[0] == 1f && c[1] == 1f && c[2] == 1f) white++;
            else coloured++;
            // the object still fills a good part of the image whatever lies behind it
            int s = d.size(), plane = s * s, per = 3 * plane, object = 0;
            float[] img = d.images();
            for (int p = 0; p < plane; p++) {
                float dist = 0;
                for (int k = 0; k < 3; k++) dist += Math.abs(img[i * per + k * plane + p] - (2 * c[k] - 1));
                if (dist > 0.02f) object++;
            }
            assertThat(object).as("image %d: pixels that are not background", i).isGreaterThan(plane / 10);
        }
        assertThat(white).isBetween(20, 60);
        assertThat(coloured).isBetween(20, 60);
    }

    /** Background colour in [0, 1] read from the top-left pixel (always outside the object). */
    private static float[] corner(ShapeRenderDataset d, int i) {
        int s = d.size(), per = 3 * s * s;
        float[] out = new float[3];
        for (int k = 0; k < 3; k++) out[k] = (d.images()[i * per + k * s * s] + 1) / 2;
        return out;
    }
}
