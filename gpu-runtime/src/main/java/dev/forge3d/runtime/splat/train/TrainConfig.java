package dev.forge3d.runtime.splat.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Training settings. Defaults are the Inria 3DGS ones (see docs/trainer.md for what a time budget changes):
 * learning rates, loss weight, densification thresholds and intervals, SH degree schedule, opacity reset.
 * The schedules that the reference ties to 30k iterations (position learning-rate decay, densification end at
 * half the run) are expressed as fractions of the run, which is either {@link #iterations} or {@link #maxSeconds}.
 */
public final class TrainConfig {

    /** Iteration budget; 0 = none (then {@link #maxSeconds} must be set). */
    public int iterations = 30_000;
    /** Wall-clock budget in seconds (training time, evaluations excluded); 0 = none. */
    public double maxSeconds = 0;
    public long seed = 0;
    public int threads = Runtime.getRuntime().availableProcessors();

    public int initPoints = 100_000;
    public double initHalfExtent = 1.3;
    /**
     * Without initial points: centre the random points on the point the cameras converge on, half of them in a cube
     * of half extent {@link #INIT_EXTENT_PER_DISTANCE} x the cameras' median distance from it, half in a cube ten
     * times as large, instead of one cube of {@link #initHalfExtent} around the origin (NeRF-synthetic's frame). For
     * posed captures in any frame and unit.
     */
    public boolean initAroundCameras;
    /**
     * Random points added beside a scene's own (SfM) points, placed as {@link #initAroundCameras} places them (none
     * where the cameras do not converge on one place); 0 = the SfM points alone (3DGS).
     */
    public int randomPointsWithSfm = 0;
    /** NeRF-synthetic's ratio: the 1.3 cube half extent over its 4.03 camera distance. */
    public static final double INIT_EXTENT_PER_DISTANCE = 1.3 / 4.03;
    public float[] background = {1, 1, 1};
    /** What masked views are trained against; see {@link #maskedBackground}. */
    public enum MaskedBackground {
        /** {@link #background}, as every other view. */
        FIXED,
        /** A new uniformly random colour each iteration (gsplat's {@code random_bkgd}). */
        RANDOM,
        /**
         * Whichever of white and black is further from the object: the tenth of the masked views' object pixels
         * nearest to each in colour decides.
         */
        CONTRAST
    }
    /**
     * Views with a coverage (photos composited with an object mask, {@link dev.forge3d.runtime.dataset.View#coverage()})
     * can be trained against another background than {@link #background}: the photo is composited over it again from
     * its coverage and the Gaussians are rendered over it. Behind one colour, the parts of an object that have about
     * that colour (a dark foot on black, a pale mug on white) match the photo while nearly transparent, and the mesh
     * step, which reads the splat's opacity and depth, loses them. {@link MaskedBackground#FIXED} by default: random
     * colours gained on the TUNE scenes (most where the object shares the background's colour) but lost on the
     * REPORT scenes (docs/product-scenes.md, "Masked photos behind random colours"). Views without a coverage always
     * use {@link #background}.
     */
    public MaskedBackground maskedBackground = MaskedBackground.FIXED;
    public double lambdaDssim = 0.2;
    /**
     * Weight of {@link FlatteningLoss} (PGSR uses 100 on scenes of unit extent): 0 = off (3DGS). Flat Gaussians put
     * the rendered depth on the surface, which meshing needs; see docs/trainer.md for what it costs in PSNR.
     */
    public double flattenWeight = 0;
    /** Weight of {@link OpacitySparsityLoss} (mean opacity): 0 = off (3DGS). */
    public double opacitySparsityWeight = 0;

    public double lrPositionInit = 1.6e-4, lrPositionFinal = 1.6e-6;
    public double lrFeatureDc = 0.0025, lrFeatureRest = 0.0025 / 20;
    public double lrOpacity = 0.05, lrScaling = 0.005, lrRotation = 0.001;
    public double adamEps = 1e-15;

    public int densifyFrom = 500;
    public int densifyInterval = 100;
    /** Densification stops at this fraction of the run (15k of 30k in 3DGS). */
    public double densifyUntilFraction = 0.5;
    public double densifyGradThreshold = 0.0002;
    public double percentDense = 0.01;
    public int opacityResetInterval = 3000;
    public int shDegreeInterval = 1000;
    public int maxShDegree = 3;
    /** Cloning and splitting stop at this many Gaussians (memory guard). */
    public int maxGaussians = 3_000_000;

    /** Seconds of training time at which to evaluate the held-out views (a PSNR-vs-time curve). */
    public List<Double> evalAtSeconds = new ArrayList<>();
    /** Save a checkpoint every this many iterations (0 = never). */
    public int checkpointEvery = 0;

    public void validate() {
        if (iterations < 0) throw new IllegalArgumentException("--iterations must be >= 0");
        if (maxSeconds < 0) throw new IllegalArgumentException("--max-seconds must be >= 0");
        if (iterations == 0 && maxSeconds == 0) throw new IllegalArgumentException("give --iterations or --max-seconds");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1");
        if (!(flattenWeight >= 0) || Double.isInfinite(flattenWeight)) throw new IllegalArgumentException("--flatten must be a finite number >= 0");
        if (!(opacitySparsityWeight >= 0) || Double.isInfinite(opacitySparsityWeight)) throw new IllegalArgumentException("--opacity-sparsity must be a finite number >= 0");
        if (densifyFrom < 0) throw new IllegalArgumentException("--densify-from must be >= 0");
        if (densifyInterval < 1) throw new IllegalArgumentException("--densify-interval must be >= 1");
        if (shDegreeInterval < 1) throw new IllegalArgumentException("--sh-interval must be >= 1");
        if (randomPointsWithSfm < 0) throw new IllegalArgumentException("--random-points-with-sfm must be >= 0");
        if (initPoints < 1) throw new IllegalArgumentException("--init-points must be >= 1");
        if (maxShDegree < 0 || maxShDegree > 3) throw new IllegalArgumentException("SH degree must be 0..3");
    }
}
