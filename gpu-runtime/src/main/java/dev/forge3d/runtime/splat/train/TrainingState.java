package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.densify.DensifyStats;

/**
 * Everything a resumed run needs to continue exactly where it stopped: the model, the optimizer moments and
 * step, the densification statistics, the random generator, the camera order and the clock.
 */
public final class TrainingState {
    public int iteration;
    public long trainingNanos;
    public GaussianModel model;
    public Adam adam;
    public final DensifyStats stats = new DensifyStats();
    public final Rng rng;
    /** Training-view indices not yet drawn in this pass (3DGS draws cameras without replacement). */
    public int[] viewStack;
    public int viewsLeft;
    public double psnrEstimate = Double.NaN;
    public double lossEstimate = Double.NaN;

    public TrainingState(long seed) { this.rng = new Rng(seed); }

    /** The next training view (without replacement within a pass). */
    int nextView(int viewCount) {
        if (viewStack == null || viewStack.length != viewCount) { viewStack = new int[viewCount]; viewsLeft = 0; }
        if (viewsLeft == 0) {
            for (int i = 0; i < viewCount; i++) viewStack[i] = i;
            viewsLeft = viewCount;
        }
        int k = rng.nextInt(viewsLeft);
        int v = viewStack[k];
        viewStack[k] = viewStack[viewsLeft - 1];
        viewStack[viewsLeft - 1] = v;
        viewsLeft--;
        return v;
    }
}
