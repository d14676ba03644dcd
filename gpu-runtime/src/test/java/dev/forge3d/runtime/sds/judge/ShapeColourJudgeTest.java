package dev.forge3d.runtime.sds.judge;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import dev.forge3d.runtime.sds.shapes.ShapeGaussians;
import dev.forge3d.runtime.splat.GaussianModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The judge must recognise the ground-truth primitives before its verdicts on generated models mean anything. */
class ShapeColourJudgeTest {

    static ShapeColourJudge judge;

    @BeforeAll
    static void templates() { judge = new ShapeColourJudge(2); }

    @AfterAll
    static void close() { judge.close(); }

    @Test
    void namesEveryPrimitiveAndColourOfGroundTruthModels() {
        record Case(Shape s, NamedColour c, double size, double yaw, double tilt) { }
        List<Case> cases = List.of(new Case(Shape.CUBE, NamedColour.RED, 0.9, 20, 5), new Case(Shape.SPHERE, NamedColour.BLUE, 0.7, 0, 0),
                new Case(Shape.CYLINDER, NamedColour.YELLOW, 0.8, 40, -10), new Case(Shape.CONE, NamedColour.BLACK, 1.0, 10, 8),
                new Case(Shape.TORUS, NamedColour.PURPLE, 0.85, 70, 15), new Case(Shape.CUBE, NamedColour.WHITE, 0.65, 55, -12),
                new Case(Shape.SPHERE, NamedColour.ORANGE, 0.95, 0, 0), new Case(Shape.CONE, NamedColour.GREEN, 0.75, 0, 0));
        long seed = 1000;
        for (Case c : cases) {
            GaussianModel m = ShapeGaussians.build(c.s(), c.c(), c.size(), c.yaw(), c.tilt(), 1500, seed++);
            Judgement j = judge.judge(m);
            assertThat(j.shape()).as(c + " scores " + j.shapeScores()).isEqualTo(c.s());
            assertThat(j.colour()).as(c.toString()).isEqualTo(c.c());
            assertThat(j.colourFraction()).isGreaterThan(0.6);
            assertThat(j.janusFree()).as(c + " " + j.viewShapes() + " " + j.viewColours()).isTrue();
        }
    }

    @Test
    void removesShadingBeforeNamingTheColour() {
        assertThat(ShapeColourJudge.nearestShaded(new float[] {0.85f * 0.45f, 0.10f * 0.45f, 0.10f * 0.45f})).isEqualTo(NamedColour.RED);
        assertThat(ShapeColourJudge.nearestShaded(new float[] {0.05f, 0.05f, 0.05f})).isEqualTo(NamedColour.BLACK);
        assertThat(ShapeColourJudge.nearestShaded(new float[] {0.95f * 0.5f, 0.5f * 0.5f, 0.08f * 0.5f})).isEqualTo(NamedColour.ORANGE);
    }
}
