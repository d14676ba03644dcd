package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.MiniLmPromptEncoder;
import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Prompts are grounded in the training captions through the real MiniLM encoder. */
class CaptionGroundingTest {

    static CaptionGrounding grounding, withLexicon;

    @BeforeAll
    static void load() {
        MiniLmPromptEncoder encoder = new MiniLmPromptEncoder();
        grounding = new CaptionGrounding(encoder);
        withLexicon = new CaptionGrounding(encoder, WordNetLexicon.load());
    }

    @Test
    void aTrainingCaptionGroundsOnItsOwnClass() {
        float[] v = grounding.ground("a cylinder that is purple");
        assertThat(CaptionGrounding.shape(v)).isEqualTo(Shape.CYLINDER);
        assertThat(CaptionGrounding.colour(v)).isEqualTo(NamedColour.PURPLE);
        assertThat(v[Shape.CYLINDER.ordinal()]).isGreaterThan(0.95f);
        assertThat(v[CaptionGrounding.SHAPES + NamedColour.PURPLE.ordinal()]).isGreaterThan(0.95f);
    }

    @Test
    void marginalsAreDistributionsAndTheViewSuffixIsOneHot() {
        float[] v = grounding.ground("a tangerine torus, back view");
        double shapes = 0, colours = 0;
        for (int i = 0; i < CaptionGrounding.SHAPES; i++) shapes += v[i];
        for (int i = 0; i < CaptionGrounding.COLOURS; i++) colours += v[CaptionGrounding.SHAPES + i];
        assertThat(shapes).isCloseTo(1, within(1e-4));
        assertThat(colours).isCloseTo(1, within(1e-4));
        int views = CaptionGrounding.SHAPES + CaptionGrounding.COLOURS;
        assertThat(new float[] {v[views], v[views + 1], v[views + 2], v[views + 3]}).containsExactly(0f, 0f, 0f, 1f);
        assertThat(grounding.ground("a tangerine torus")[views]).as("no suffix").isEqualTo(1f);
    }

    @Test
    void paraphrasesNeverSeenInTrainingLandOnTheirMeaning() {
        float[] globe = grounding.ground("a shiny blue globe");
        assertThat(CaptionGrounding.shape(globe)).isEqualTo(Shape.SPHERE);
        assertThat(CaptionGrounding.colour(globe)).isEqualTo(NamedColour.BLUE);
        float[] block = grounding.ground("a black block");
        assertThat(CaptionGrounding.shape(block)).isEqualTo(Shape.CUBE);
        assertThat(CaptionGrounding.colour(block)).isEqualTo(NamedColour.BLACK);
    }

    @Test
    void theLexiconOverrulesTheEncodersMisreadingOfAColourName() {
        // MiniLM alone puts "a crimson ball" nearest the purple captions; WordNet files crimson under red.
        float[] alone = grounding.ground("a crimson ball");
        assertThat(CaptionGrounding.colour(alone)).isNotEqualTo(NamedColour.RED);
        float[] read = withLexicon.ground("a crimson ball, side view");
        assertThat(CaptionGrounding.colour(read)).isEqualTo(NamedColour.RED);
        assertThat(read[CaptionGrounding.SHAPES + NamedColour.RED.ordinal()]).as("the colour is certain").isCloseTo(1f, within(1e-6f));
        assertThat(CaptionGrounding.shape(read)).isEqualTo(Shape.SPHERE);
        assertThat(withLexicon.reading("a crimson ball, side view").colourWord()).isEqualTo("crimson");
    }

    @Test
    void withoutALexicalReadingTheEncoderStillDecides() {
        // "box" is a container in WordNet, not a cube: the shape comes from the encoder among the blue classes.
        float[] v = withLexicon.ground("an azure box");
        assertThat(CaptionGrounding.colour(v)).isEqualTo(NamedColour.BLUE);
        assertThat(CaptionGrounding.shape(v)).isEqualTo(Shape.CUBE);
        assertThat(v[Shape.CUBE.ordinal()]).isLessThan(1f);
    }
}
