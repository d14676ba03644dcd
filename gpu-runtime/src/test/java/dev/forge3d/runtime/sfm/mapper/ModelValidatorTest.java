package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.se.Se3_F64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model checks on exact synthetic models (no images): cameras around a cloud of points pass; cameras that
 * collapsed onto one spot, too few points per photo, an implausible focal length or too few placed photos fail the
 * matching check, whatever the reprojection error (0 here).
 */
class ModelValidatorTest {

    private static final int W = 800, H = 600;
    private final ModelValidator validator = new ModelValidator(ModelValidator.Thresholds.defaults());

    @Test
    void acceptsCamerasAroundTheSubject() {
        ModelValidator.ModelChecks c = validator.check(ExactScenes.scene(W, H, 8, 60, 5, 200, 900));

        assertThat(c.passed()).as(c.checks().toString()).isTrue();
        assertThat(c.registered()).isEqualTo(8);
        assertThat(c.medianTriangulationDeg()).isBetween(40.0, 80.0);
        assertThat(c.cameraSpread()).isGreaterThan(0.2);
        assertThat(c.medianPointsPerImage()).isEqualTo(200);
        assertThat(c.minFocalRatio()).isCloseTo(900.0 / W, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void rejectsCamerasCollapsedOntoOneSpotDespiteZeroReprojectionError() {
        // Photos from one spot (turning only): every ray of a point comes from the same centre.
        ModelValidator.ModelChecks c = validator.check(ExactScenes.scene(W, H, 8, 40, 0, 200, 900));

        assertThat(c.passed()).isFalse();
        assertThat(c.medianTriangulationDeg()).isLessThan(0.01);
        assertThat(c.cameraSpread()).isLessThan(1e-6);
        assertThat(c.failed().stream().map(ModelValidator.Check::name))
                .containsExactlyInAnyOrder(ModelValidator.TRIANGULATION, ModelValidator.SPREAD);
    }

    @Test
    void rejectsNearlyCoincidentCameras() {
        // A 0.5 degree arc at 5 m: 4 cm between the outer cameras, 0.5 degrees of parallax at most.
        ModelValidator.ModelChecks c = validator.check(ExactScenes.scene(W, H, 8, 0.5, 5, 200, 900));

        assertThat(c.failed(ModelValidator.TRIANGULATION)).isTrue();
        assertThat(c.failed(ModelValidator.SPREAD)).isTrue();
    }

    @Test
    void rejectsTooFewPointsPerPhoto() {
        ModelValidator.ModelChecks c = validator.check(ExactScenes.scene(W, H, 6, 60, 5, 20, 900));

        assertThat(c.medianPointsPerImage()).isEqualTo(20);
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.POINTS_PER_IMAGE);
    }

    @Test
    void rejectsAnImplausibleSelfCalibratedFocalLength() {
        // 190 px on an 800-px photo: wider than any phone lens (the collapse the issue reported had f = 190 at 400 px).
        ModelValidator.ModelChecks c = validator.check(ExactScenes.scene(W, H, 8, 60, 5, 200, 0.2 * W));

        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.FOCAL);
        assertThat(validator.check(ExactScenes.scene(W, H, 8, 60, 5, 200, 6 * W)).failed(ModelValidator.FOCAL)).isTrue();
    }

    @Test
    void rejectsAModelWithFewerThanHalfThePhotosPlaced() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        for (int i = 3; i < 8; i++) s.registered[i] = false;

        ModelValidator.ModelChecks c = validator.check(s);

        assertThat(c.registered()).isEqualTo(3);
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.REGISTERED);
    }

    @Test
    void aRightModelExplainsEveryVerifiedPair() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);

        ModelValidator.ModelChecks c = validator.check(s, ExactScenes.allPairs(8, 200));

        assertThat(c.pairAgreement().strongPairs()).isEqualTo(28);
        assertThat(c.pairAgreement().contradicted()).isZero();
        assertThat(c.passed()).isTrue();
    }

    @Test
    void aCameraPlacedOnTheWrongSideContradictsItsPairs() {
        // The folded model of a symmetric object: photo 7 put where a photo of the far side would be, every other
        // check still happy (its points are the same, the reprojection is not looked at here).
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        s.poses[7] = ExactScenes.lookingAtOrigin(Math.toRadians(30 + 180), 5);

        ModelValidator.ModelChecks c = validator.check(s, ExactScenes.allPairs(8, 200));

        assertThat(c.pairAgreement().contradicted()).isEqualTo(7);
        assertThat(c.pairAgreement().worst()).allSatisfy(p -> assertThat(p.imageB()).isEqualTo(7));
        assertThat(c.pairAgreement().contradictedShare()).isCloseTo(7 / 28.0, org.assertj.core.data.Offset.offset(1e-9));
        // Every photo's strongest pair (all have 200 matches: the first one counts) is with photo 0 or 1 ... except
        // photo 0's, which is with 1; photo 7's is with 0 and contradicted: one misplaced photo is tolerated.
        assertThat(c.pairAgreement().misplaced()).containsExactly(7);
        assertThat(c.passed()).isTrue();
    }

    @Test
    void twoPhotosContradictedByTheirStrongestPairsFailTheModel() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        s.poses[6] = ExactScenes.lookingAtOrigin(Math.toRadians(20 + 180), 5);
        s.poses[7] = ExactScenes.lookingAtOrigin(Math.toRadians(100), 5);
        // Each photo's strongest pairs are with its neighbours (more matches than the rest).
        List<TwoViewGeometry> pairs = new ArrayList<>();
        for (TwoViewGeometry g : ExactScenes.allPairs(8, 200)) {
            boolean neighbours = g.imageB() == g.imageA() + 1;
            pairs.add(neighbours ? g : new TwoViewGeometry(g.imageA(), g.imageB(),
                    java.util.Arrays.copyOf(g.matches(), 2 * 150), null));
        }

        ModelValidator.ModelChecks c = validator.check(s, pairs);

        // 5-6 and 6-7 are contradicted: 6 (strongest pair 5-6, the first of its two) and 7 (6-7); 5 keeps 4-5.
        assertThat(c.pairAgreement().misplaced()).containsExactly(6, 7);
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.PAIRS);
    }

    @Test
    void weakPairsAndPairsWithAnUnplacedPhotoDoNotCount() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        s.registered[7] = false;
        List<TwoViewGeometry> pairs = new ArrayList<>(ExactScenes.allPairs(8, 200));
        pairs.add(new TwoViewGeometry(0, 1, new int[] {0, 5, 1, 6, 2, 7}, null)); // 3 wrong matches: too weak to judge

        ModelValidator.ModelChecks c = validator.check(s, pairs);

        assertThat(c.pairAgreement().strongPairs()).isEqualTo(21);
        assertThat(c.pairAgreement().contradicted()).isZero();
    }
}
