package dev.forge3d.runtime.image.video;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the frames of a video that structure from motion gets: spaced by how far the picture moved (not by a
 * fixed rate, so a pause adds nothing and a fast pan is not starved), and within each spacing window the sharpest
 * frame (motion blur and focus hunting are common in handheld video).
 *
 * <p>Walking the cumulative motion, each next keyframe targets {@code step} analysis pixels of motion after the
 * previous one, and is the sharpest frame whose cumulative motion lies within a third of a step of that target
 * (among frames within 10 % of the sharpest, the one nearest the target).
 * The step starts at {@link Options#stepFraction()} of the frame width (90 % overlap between neighbours at the
 * default, which feature matching needs); when that gives more than {@code maxFrames} the step grows until it
 * does not; when it gives fewer than {@code minFrames}, it shrinks down to a quarter; a video that still moves too
 * little is refused.
 */
public final class KeyframeSelector {

    /**
     * @param maxFrames    at most this many frames
     * @param minFrames    fewer than this is refused (the camera barely moved)
     * @param stepFraction motion between neighbouring keyframes, as a fraction of the frame width
     * @param noisePixels  per-frame motion below this is sensor or compression noise, not motion
     */
    public record Options(int maxFrames, int minFrames, double stepFraction, double noisePixels) {
        public static Options defaults(int maxFrames) {
            return new Options(maxFrames, 8, 0.10, 0.05);
        }

        public Options {
            if (minFrames < 2 || maxFrames < minFrames) {
                throw new IllegalArgumentException("need 2 <= minFrames <= maxFrames, got " + minFrames + ", " + maxFrames);
            }
        }
    }

    /** The chosen frames (decoded order) and the step that chose them, in analysis pixels. */
    public record Selection(List<Integer> frames, double stepPixels, double totalMotionPixels) { }

    private KeyframeSelector() { }

    public static Selection select(FrameAnalysis a, Options o) {
        int n = a.frames();
        double[] cumulative = new double[n];
        for (int i = 1; i < n; i++) {
            double m = a.motion()[i];
            cumulative[i] = cumulative[i - 1] + (m > o.noisePixels() ? m : 0);
        }
        double total = cumulative[n - 1];
        double step = o.stepFraction() * a.width();
        List<Integer> frames = pick(a.sharpness(), cumulative, step);
        for (int guard = 0; frames.size() > o.maxFrames() && guard < 60; guard++) {
            step *= Math.max(1.02, (double) frames.size() / o.maxFrames());
            frames = pick(a.sharpness(), cumulative, step);
        }
        double floor = o.stepFraction() * a.width() / 4;
        while (frames.size() < o.minFrames() && step > floor) {
            step = Math.max(floor, step / 1.5);
            frames = pick(a.sharpness(), cumulative, step);
        }
        if (frames.size() < o.minFrames()) {
            throw new VideoException(String.format(java.util.Locale.ROOT,
                    "the camera barely moves in the video (%d usable frames at most, %d needed): film while walking "
                    + "around the object, slowly and all the way", frames.size(), o.minFrames()));
        }
        return new Selection(frames, step, total);
    }

    private static List<Integer> pick(double[] sharpness, double[] cumulative, double step) {
        int n = cumulative.length;
        List<Integer> out = new ArrayList<>();
        // The first keyframe: the sharpest frame before the picture has moved a third of a step.
        int best = 0;
        for (int i = 0; i < n && cumulative[i] <= step / 3; i++) if (sharpness[i] > sharpness[best]) best = i;
        out.add(best);
        int i = best;
        while (true) {
            double target = cumulative[i] + step;
            int j = i + 1;
            while (j < n && cumulative[j] < target - step / 3) j++;
            if (j >= n) break;
            // The sharpest frame of the window; among frames within 10 % of it, the one nearest the target.
            int end = j;
            double sharpest = sharpness[j];
            while (end + 1 < n && cumulative[end + 1] <= target + step / 3) sharpest = Math.max(sharpest, sharpness[++end]);
            int pick = j;
            for (int k = j; k <= end; k++) {
                if (sharpness[k] >= 0.9 * sharpest && (sharpness[pick] < 0.9 * sharpest
                        || Math.abs(cumulative[k] - target) < Math.abs(cumulative[pick] - target))) {
                    pick = k;
                }
            }
            out.add(pick);
            i = pick;
        }
        return out;
    }
}
