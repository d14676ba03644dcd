package dev.forge3d.runtime.sds.selfcheck;

import dev.forge3d.runtime.sds.builtin.BuiltinDiffusionPrior;
import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import dev.forge3d.runtime.sds.shapes.ShapeGaussians;
import dev.forge3d.runtime.splat.GaussianModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in prior reading ground-truth primitives back: right where the object is what the prompt says, not otherwise. */
class DiffusionClassifierTest {

    static BuiltinDiffusionPrior prior;
    static DiffusionClassifier classifier;

    @BeforeAll
    static void load() {
        prior = BuiltinDiffusionPrior.loadBundled();
        classifier = new DiffusionClassifier(prior, 8, 4, 1);
    }

    @AfterAll
    static void close() { prior.close(); }

    static GaussianModel primitive(Shape s, NamedColour c) {
        return ShapeGaussians.build(s, c, 0.8, 25, 10, 1500, 3);
    }

    @Test
    void theBuiltinPriorNamesEveryRival() {
        Readings r = prior.readings("a crimson ball").orElseThrow();
        assertThat(r.intendedLabel()).isEqualTo("red sphere");
        assertThat(r.intendedPrompt()).isEqualTo("a red sphere");
        assertThat(r.rivals()).hasSize(4 + 7);
        assertThat(r.rivals()).filteredOn(x -> x.aspect().equals("shape")).extracting(Readings.Rival::label)
                .containsExactlyInAnyOrder("red cube", "red cylinder", "red cone", "red torus");
        assertThat(r.rivals()).filteredOn(x -> x.aspect().equals("colour")).extracting(Readings.Rival::label)
                .contains("green sphere", "purple sphere").doesNotContain("red sphere");
    }

    /** Every shape in every colour, each in its own random pose: the prior reads all 40 right (docs/text-to-3d.md). */
    @Test
    void everyBuiltinClassIsReadBackRight() {
        java.util.Random rnd = new java.util.Random(42);
        java.util.List<String> misread = new java.util.ArrayList<>();
        for (Shape s : Shape.values()) {
            for (NamedColour c : NamedColour.values()) {
                GaussianModel m = ShapeGaussians.build(s, c, 0.6 + 0.4 * rnd.nextDouble(), 360 * rnd.nextDouble(), -20 + 40 * rnd.nextDouble(), 1500, rnd.nextLong());
                Readings r = prior.readings("a " + c.word() + " " + s.word()).orElseThrow();
                assertThat(r.intendedLabel()).isEqualTo(c.word() + " " + s.word());
                SelfCheck check = classifier.check(m, r, rnd.nextLong());
                if (!check.passed()) misread.add(r.intendedLabel() + " read as " + check.aspectWinners());
            }
        }
        assertThat(misread).isEmpty();
    }

    @Test
    void anObjectOfAnotherShapeAndColourFailsAndIsReadAsWhatItIs() {
        SelfCheck check = classifier.check(primitive(Shape.SPHERE, NamedColour.BLUE), prior.readings("a red cube").orElseThrow(), 11);
        assertThat(check.passed()).isFalse();
        assertThat(check.margin()).isNegative();
        assertThat(check.aspectWinners()).containsEntry("shape", "red sphere").containsEntry("colour", "blue cube");
    }

    @Test
    void theCheckIsDeterministicForASeed() {
        GaussianModel m = primitive(Shape.CYLINDER, NamedColour.GREEN);
        Readings r = prior.readings("a green cylinder").orElseThrow();
        assertThat(classifier.check(m, r, 5).intendedError()).isEqualTo(classifier.check(m, r, 5).intendedError());
    }
}
