package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.se.Se3_F64;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model checks on exact synthetic models (no images): cameras around a cloud of points pass; cameras that
 * collapsed onto one spot, too few points per photo, an implausible focal length or too few placed photos fail the
 * matching check, whatever the reprojection error (0 here).
 */
class ModelValidatorTest {

    private static final int W = 800, H = 600;
    private final ModelValidator validator = new ModelValidator(ModelValidator.Thresholds.defaults());

    /**
     * {@code n} cameras on an arc of {@code arcDeg} degrees at radius 5 (radius 0: all at the origin, turning only),
     * looking at the origin region, and {@code points} points in a 2 m cube around (0, 0, 0) seen by every camera.
     */
    private static SceneState scene(int n, double arcDeg, double radius, int points, double focal) {
        Random r = new Random(7);
        double[][] xyz = new double[points][];
        for (int p = 0; p < points; p++) xyz[p] = new double[] {2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1};
        LensModel lens = LensModel.unknown(W, H, focal);
        List<Se3_F64> poses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = Math.toRadians(-arcDeg / 2 + arcDeg * i / Math.max(1, n - 1));
            double[] c = radius == 0 ? new double[] {0, 0, -5} : new double[] {radius * Math.sin(a), 0, -radius * Math.cos(a)};
            // Turning-only cameras look in different directions from one spot; the others look at the origin.
            double[] z = radius == 0 ? new double[] {Math.sin(a), 0, Math.cos(a)} : new double[] {-c[0] / radius, 0, -c[2] / radius};
            double[] x = {z[2], 0, -z[0]}, y = {0, 1, 0};
            Se3_F64 pose = new Se3_F64();
            pose.R = new DMatrixRMaj(3, 3, true, x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
            pose.T.setTo(-(x[0] * c[0] + x[1] * c[1] + x[2] * c[2]), -(y[0] * c[0] + y[1] * c[1] + y[2] * c[2]),
                    -(z[0] * c[0] + z[1] * c[1] + z[2] * c[2]));
            poses.add(pose);
        }
        List<ImageFeatures> features = new ArrayList<>();
        List<LensModel> lenses = new ArrayList<>();
        double[] uv = new double[2];
        for (int i = 0; i < n; i++) {
            double[] px = new double[points], py = new double[points];
            Se3_F64 pose = poses.get(i);
            for (int p = 0; p < points; p++) {
                var d = pose.R.data;
                double[] q = xyz[p];
                double cx = d[0] * q[0] + d[1] * q[1] + d[2] * q[2] + pose.T.x;
                double cy = d[3] * q[0] + d[4] * q[1] + d[5] * q[2] + pose.T.y;
                double cz = d[6] * q[0] + d[7] * q[1] + d[8] * q[2] + pose.T.z;
                lens.project(cx / cz, cy / cz, uv);
                px[p] = uv[0];
                py[p] = uv[1];
            }
            features.add(new ImageFeatures(px, py, new float[0], 128));
            lenses.add(lens);
        }
        List<TwoViewGeometry> pairs = allPairs(n, points);
        Tracks tracks = Tracks.build(features.stream().mapToInt(ImageFeatures::size).toArray(), pairs);
        SceneState s = new SceneState(features, lenses, tracks);
        for (int i = 0; i < n; i++) { s.poses[i] = poses.get(i); s.registered[i] = true; }
        for (int t = 0; t < tracks.size(); t++) s.points[t] = xyz[tracks.keypoints[t][0]].clone();
        return s;
    }

    /** A camera on the circle of the given radius at angle a (radians) about y, looking at the origin. */
    private static Se3_F64 lookingAtOrigin(double a, double radius) {
        double[] c = {radius * Math.sin(a), 0, -radius * Math.cos(a)};
        double[] z = {-c[0] / radius, 0, -c[2] / radius};
        double[] x = {z[2], 0, -z[0]}, y = {0, 1, 0};
        Se3_F64 pose = new Se3_F64();
        pose.R = new DMatrixRMaj(3, 3, true, x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
        pose.T.setTo(-(x[0] * c[0] + x[1] * c[1] + x[2] * c[2]), -(y[0] * c[0] + y[1] * c[1] + y[2] * c[2]),
                -(z[0] * c[0] + z[1] * c[1] + z[2] * c[2]));
        return pose;
    }

    /** Every photo pair, matching point p of one photo to point p of the other (keypoint index = point index). */
    private static List<TwoViewGeometry> allPairs(int n, int points) {
        List<TwoViewGeometry> pairs = new ArrayList<>();
        for (int a = 0; a < n; a++) for (int b = a + 1; b < n; b++) {
            int[] m = new int[2 * points];
            for (int p = 0; p < points; p++) { m[2 * p] = p; m[2 * p + 1] = p; }
            pairs.add(new TwoViewGeometry(a, b, m, null));
        }
        return pairs;
    }

    @Test
    void acceptsCamerasAroundTheSubject() {
        ModelValidator.ModelChecks c = validator.check(scene(8, 60, 5, 200, 900));

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
        ModelValidator.ModelChecks c = validator.check(scene(8, 40, 0, 200, 900));

        assertThat(c.passed()).isFalse();
        assertThat(c.medianTriangulationDeg()).isLessThan(0.01);
        assertThat(c.cameraSpread()).isLessThan(1e-6);
        assertThat(c.failed().stream().map(ModelValidator.Check::name))
                .containsExactlyInAnyOrder(ModelValidator.TRIANGULATION, ModelValidator.SPREAD);
    }

    @Test
    void rejectsNearlyCoincidentCameras() {
        // A 0.5 degree arc at 5 m: 4 cm between the outer cameras, 0.5 degrees of parallax at most.
        ModelValidator.ModelChecks c = validator.check(scene(8, 0.5, 5, 200, 900));

        assertThat(c.failed(ModelValidator.TRIANGULATION)).isTrue();
        assertThat(c.failed(ModelValidator.SPREAD)).isTrue();
    }

    @Test
    void rejectsTooFewPointsPerPhoto() {
        ModelValidator.ModelChecks c = validator.check(scene(6, 60, 5, 20, 900));

        assertThat(c.medianPointsPerImage()).isEqualTo(20);
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.POINTS_PER_IMAGE);
    }

    @Test
    void rejectsAnImplausibleSelfCalibratedFocalLength() {
        // 190 px on an 800-px photo: wider than any phone lens (the collapse the issue reported had f = 190 at 400 px).
        ModelValidator.ModelChecks c = validator.check(scene(8, 60, 5, 200, 0.2 * W));

        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.FOCAL);
        assertThat(validator.check(scene(8, 60, 5, 200, 6 * W)).failed(ModelValidator.FOCAL)).isTrue();
    }

    @Test
    void rejectsAModelWithFewerThanHalfThePhotosPlaced() {
        SceneState s = scene(8, 60, 5, 200, 900);
        for (int i = 3; i < 8; i++) s.registered[i] = false;

        ModelValidator.ModelChecks c = validator.check(s);

        assertThat(c.registered()).isEqualTo(3);
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.REGISTERED);
    }

    @Test
    void aRightModelExplainsEveryVerifiedPair() {
        SceneState s = scene(8, 60, 5, 200, 900);

        ModelValidator.ModelChecks c = validator.check(s, allPairs(8, 200));

        assertThat(c.pairAgreement().strongPairs()).isEqualTo(28);
        assertThat(c.pairAgreement().contradicted()).isZero();
        assertThat(c.passed()).isTrue();
    }

    @Test
    void aCameraPlacedOnTheWrongSideContradictsItsPairsAndFailsTheModel() {
        // The folded model of a symmetric object: photo 7 put where a photo of the far side would be, every other
        // check still happy (its points are the same, the reprojection is not looked at here).
        SceneState s = scene(8, 60, 5, 200, 900);
        s.poses[7] = lookingAtOrigin(Math.toRadians(30 + 180), 5);

        ModelValidator.ModelChecks c = validator.check(s, allPairs(8, 200));

        assertThat(c.pairAgreement().contradicted()).isEqualTo(7);
        assertThat(c.pairAgreement().worst()).allSatisfy(p -> assertThat(p.imageB()).isEqualTo(7));
        assertThat(c.pairAgreement().contradictedShare()).isCloseTo(7 / 28.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.failed().stream().map(ModelValidator.Check::name)).containsExactly(ModelValidator.PAIRS);
    }

    @Test
    void weakPairsAndPairsWithAnUnplacedPhotoDoNotCount() {
        SceneState s = scene(8, 60, 5, 200, 900);
        s.registered[7] = false;
        List<TwoViewGeometry> pairs = new ArrayList<>(allPairs(8, 200));
        pairs.add(new TwoViewGeometry(0, 1, new int[] {0, 5, 1, 6, 2, 7}, null)); // 3 wrong matches: too weak to judge

        ModelValidator.ModelChecks c = validator.check(s, pairs);

        assertThat(c.pairAgreement().strongPairs()).isEqualTo(21);
        assertThat(c.pairAgreement().contradicted()).isZero();
    }
}
