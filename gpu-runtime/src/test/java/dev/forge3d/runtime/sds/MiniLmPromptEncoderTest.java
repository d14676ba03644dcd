package dev.forge3d.runtime.sds;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MiniLmPromptEncoderTest {

    static MiniLmPromptEncoder encoder;

    @BeforeAll
    static void load() { encoder = new MiniLmPromptEncoder(); }

    @Test
    void embeddingsAreUnitLength384() {
        float[] e = encoder.encode("a red cube");
        assertThat(e).hasSize(384);
        double n = 0;
        for (float v : e) n += v * v;
        assertThat(Math.sqrt(n)).isBetween(0.99, 1.01);
    }

    @Test
    void paraphrasesLandOnTheirCaption() {
        List<String> captions = List.of("a red cube", "a blue sphere", "a green cylinder", "a yellow cone", "a purple torus");
        assertThat(nearest("a crimson box", captions)).isEqualTo("a red cube");
        assertThat(nearest("an azure ball", captions)).isEqualTo("a blue sphere");
        assertThat(nearest("a lime green column", captions)).isEqualTo("a green cylinder");
        assertThat(nearest("a violet donut", captions)).isEqualTo("a purple torus");
    }

    static String nearest(String prompt, List<String> captions) {
        float[] p = encoder.encode(prompt);
        String best = null;
        double bestSim = -2;
        for (String c : captions) {
            double s = MiniLmPromptEncoder.cosine(p, encoder.encode(c));
            if (s > bestSim) { bestSim = s; best = c; }
        }
        return best;
    }
}
