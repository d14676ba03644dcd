package dev.forge3d.runtime.sfm.mapper;

import georegression.struct.se.Se3_F64;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The principal point of a self-calibrated camera is freed in one last pass and kept only when it moved clearly off
 * the centre: a lens whose centre is 20 px off gets it; a centred lens with noisy keypoints keeps the centred model.
 */
class PrincipalPointTest {

    private static final int W = 800, H = 600;

    @Test
    void aClearlyOffCentrePrincipalPointIsFound() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        // The lens's true principal point is 20 px right and 12 px down of the centre the model assumes.
        for (var f : s.features) {
            for (int i = 0; i < f.size(); i++) { f.x()[i] += 20; f.y()[i] += 12; }
        }

        new IncrementalMapper(s, IncrementalMapper.Options.defaults()).refinePrincipalPoint();

        // Horizontal: well constrained by cameras on a horizontal arc. Vertical: nearly the same as pitching every
        // camera, so only the fit is checked.
        assertThat(s.lenses.get(0).cx).isCloseTo(W / 2.0 + 20, within(0.5));
        assertThat(s.lenses.get(0).cy).isNotEqualTo(H / 2.0);
        assertThat(dev.forge3d.runtime.sfm.bundle.BundleAdjuster.rms(s)).isLessThan(0.05);
    }

    @Test
    void aCentredLensKeepsTheCentredModelWhenFreeingOnlyFitsNoise() {
        SceneState s = ExactScenes.scene(W, H, 8, 60, 5, 200, 900);
        Random r = new Random(3);
        for (var f : s.features) {
            for (int i = 0; i < f.size(); i++) { f.x()[i] += 0.5 * r.nextGaussian(); f.y()[i] += 0.5 * r.nextGaussian(); }
        }
        // As in the mapper: the centred model is a converged bundle adjustment before the principal point is freed.
        dev.forge3d.runtime.sfm.bundle.BundleAdjuster.adjust(s,
                new dev.forge3d.runtime.sfm.bundle.BundleAdjuster.Settings(100, 0, true, false, 1e-12), 0);
        Se3_F64 before = s.poses[3].copy();
        double[] point = s.points[5].clone();

        new IncrementalMapper(s, IncrementalMapper.Options.defaults()).refinePrincipalPoint();

        assertThat(s.lenses.get(0).cx).isEqualTo(W / 2.0);
        assertThat(s.lenses.get(0).cy).isEqualTo(H / 2.0);
        assertThat(s.poses[3].T.x).isEqualTo(before.T.x);
        assertThat(s.points[5]).containsExactly(point);
    }
}
