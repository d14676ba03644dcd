package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Colour and shape words read through the real WordNet 3.1 dictionary. */
class WordNetLexiconTest {

    static WordNetLexicon lexicon;

    @BeforeAll
    static void load() { lexicon = WordNetLexicon.load(); }

    @Test
    void colourNamesResolveThroughTheirSynsetsAndHypernyms() {
        assertThat(lexicon.colourOf("scarlet")).as("adjective synset with red").isEqualTo(NamedColour.RED);
        assertThat(lexicon.colourOf("violet")).as("adjective synset with purple").isEqualTo(NamedColour.PURPLE);
        assertThat(lexicon.colourOf("azure")).as("noun: azure is a blue").isEqualTo(NamedColour.BLUE);
        assertThat(lexicon.colourOf("tangerine")).as("noun: the colour sense, not the fruit").isEqualTo(NamedColour.ORANGE);
        assertThat(lexicon.colourOf("jade")).isEqualTo(NamedColour.GREEN);
        assertThat(lexicon.colourOf("ivory")).isEqualTo(NamedColour.WHITE);
        assertThat(lexicon.colourOf("golden")).as("through its gloss: the colour of gold").isEqualTo(NamedColour.YELLOW);
        assertThat(lexicon.colourOf("amethyst")).as("through its gloss: of a moderate purple color").isEqualTo(NamedColour.PURPLE);
        assertThat(lexicon.colourOf("aubergine")).as("a noun's gloss: typically dark purple").isEqualTo(NamedColour.PURPLE);
        assertThat(lexicon.colourOf("mulberry")).as("a noun's gloss: usually dark purple").isEqualTo(NamedColour.PURPLE);
    }

    @Test
    void wordsOutsideThePaletteOrNotColoursStayUnread() {
        assertThat(lexicon.colourOf("grey")).as("an achromatic colour, but not one of the palette").isNull();
        assertThat(lexicon.colourOf("brown")).isNull();
        assertThat(lexicon.colourOf("caucasian")).as("a 'white' synset that is not about colour").isNull();
        assertThat(lexicon.colourOf("cylinder")).isNull();
        assertThat(lexicon.colourOf("can")).as("a colour only mentioned in the gloss (paint)").isNull();
        assertThat(lexicon.colourOf("apricot")).as("its own colour sense is pink; its tree's blossoms are white").isNull();
        assertThat(lexicon.colourOf("xyzzy")).isNull();
    }

    @Test
    void shapeNounsResolveThroughHypernymsAndShapedGlosses() {
        assertThat(lexicon.shapeOf("globe", true)).isEqualTo(Shape.SPHERE);
        assertThat(lexicon.shapeOf("ball", true)).isEqualTo(Shape.SPHERE);
        assertThat(lexicon.shapeOf("block", true)).as("'cube, block' synset").isEqualTo(Shape.CUBE);
        assertThat(lexicon.shapeOf("ring", true)).as("ring is a toroid").isEqualTo(Shape.TORUS);
        assertThat(lexicon.shapeOf("donut", false)).as("only a friedcake without its gloss").isNull();
        assertThat(lexicon.shapeOf("donut", true)).as("'a small ring-shaped friedcake'").isEqualTo(Shape.TORUS);
        assertThat(lexicon.shapeOf("box", true)).as("a container, not a cube: left to the sentence encoder").isNull();
    }

    @Test
    void aPromptsColourIsItsPaletteWordElseItsFirstColourWordAndItsShapeItsHeadNoun() {
        WordNetLexicon.Reading pearl = lexicon.read("A pearl white orb");
        assertThat(pearl.colour()).isEqualTo(NamedColour.WHITE);
        assertThat(pearl.colourWord()).isEqualTo("white");
        assertThat(pearl.shape()).isEqualTo(Shape.SPHERE);
        assertThat(pearl.shapeWord()).isEqualTo("orb");

        WordNetLexicon.Reading doughnut = lexicon.read("a crimson doughnut, glossy");
        assertThat(doughnut.colour()).isEqualTo(NamedColour.RED);
        assertThat(doughnut.shape()).isEqualTo(Shape.TORUS);

        WordNetLexicon.Reading plain = lexicon.read("a plum colored thing");
        assertThat(plain.colour()).as("'colored' names no colour").isNull();
        assertThat(plain.shape()).isNull();
    }
}
