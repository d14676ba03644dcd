package dev.forge3d.runtime.image.video;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyframeSelectorTest {

    private static FrameAnalysis steady(int frames, double pixelsPerFrame) {
        double[] sharp = new double[frames], motion = new double[frames];
        Arrays.fill(sharp, 100);
        Arrays.fill(motion, pixelsPerFrame);
        motion[0] = 0;
        return new FrameAnalysis(sharp, motion, 320, 240);
    }

    @Test
    void framesAreSpacedByMotionNotByTime() {
        // 300 frames at 1 px each: 299 px of motion, one keyframe per 32 px (10 % of 320).
        KeyframeSelector.Selection slow = KeyframeSelector.select(steady(300, 1), KeyframeSelector.Options.defaults(200));
        assertThat(slow.frames()).hasSize(10);
        // The same path filmed twice as fast (150 frames at 2 px) gives the same number of frames.
        assertThat(KeyframeSelector.select(steady(150, 2), KeyframeSelector.Options.defaults(200)).frames()).hasSize(10);
        List<Integer> f = slow.frames();
        for (int i = 1; i < f.size(); i++) assertThat(f.get(i) - f.get(i - 1)).isEqualTo(32);
    }

    @Test
    void aPauseAddsNothingAndTheSharpestFrameOfAWindowIsTaken() {
        FrameAnalysis a = steady(400, 1);
        for (int i = 150; i < 250; i++) a.motion()[i] = 0.01; // the camera stops for 100 frames (noise only)
        for (int i = 0; i < 400; i++) a.sharpness()[i] = 100 + (i % 7 == 3 ? 50 : 0); // every 7th frame is sharpest
        for (int i = 60; i < 70; i++) a.sharpness()[i] = 5; // motion blur
        KeyframeSelector.Selection s = KeyframeSelector.select(a, KeyframeSelector.Options.defaults(200));
        assertThat(s.totalMotionPixels()).isEqualTo(399 - 100, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.frames().stream().filter(i -> i > 150 && i < 250)).hasSizeLessThanOrEqualTo(1);
        assertThat(s.frames()).noneMatch(i -> i >= 60 && i < 70);
        assertThat(s.frames().stream().filter(i -> i % 7 == 3).count()).isGreaterThanOrEqualTo(s.frames().size() - 1);
    }

    @Test
    void aCapWidensTheStepAndAStillVideoIsRefused() {
        KeyframeSelector.Selection capped = KeyframeSelector.select(steady(3000, 1), KeyframeSelector.Options.defaults(30));
        assertThat(capped.frames().size()).isBetween(20, 30);
        assertThat(capped.stepPixels()).isGreaterThan(32);
        // Too little motion for the default step: the step shrinks (to a quarter at most) before giving up.
        assertThat(KeyframeSelector.select(steady(100, 1), KeyframeSelector.Options.defaults(200)).frames().size()).isGreaterThanOrEqualTo(8);
        assertThatThrownBy(() -> KeyframeSelector.select(steady(500, 0.02), KeyframeSelector.Options.defaults(200)))
                .isInstanceOf(VideoException.class).hasMessageContaining("barely moves");
    }
}
