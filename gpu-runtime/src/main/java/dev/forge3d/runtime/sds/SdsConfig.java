package dev.forge3d.runtime.sds;

/** Settings of a score-distillation run; defaults suit the built-in prior on a small CPU. */
public final class SdsConfig {
    /** Iteration budget (0: none, then maxSeconds must be set). */
    public int iterations = 2000;
    /** Wall-clock budget in seconds (0: none); whichever budget ends first stops the run. */
    public double maxSeconds = 0;
    public long seed = 0;
    /** Classifier-free guidance scale; NaN uses the prior's default. */
    public double guidance = Double.NaN;
    /** Random views rendered and scored per iteration (one prior call for all of them). */
    public int viewsPerIteration = 4;
    public int initGaussians = 2000;
    public double initRadius = 0.6;
    /** Opacity of the initial Gaussians: low, so the prior grows the object where it wants it instead of carving a solid ball. */
    public double initOpacity = 0.1;
    /** The timestep range is drawn from [tMin, tMax], tMax annealed linearly from tMaxStart to tMaxEnd (fractions of T). */
    public double tMin = 0.02, tMaxStart = 0.98, tMaxEnd = 0.3;
    public double lrPositionInit = 0.003, lrPositionFinal = 0.0003;
    public double lrScaling = 0.005, lrRotation = 0.002, lrOpacity = 0.03, lrColour = 0.02;
    public int densifyInterval = 100;
    /** Densify until this fraction of the run. */
    public double densifyUntil = 0.6;
    /** Fraction of Gaussians with the largest view-space gradients cloned or split at each densification. */
    public double densifyTopFraction = 0.05;
    public int maxGaussians = 6000;
    public double minOpacity = 0.02;
    /** Gaussian centres stay within this distance of the origin (the training shapes fit in about 0.9). */
    public double boundRadius = 1.0;
    /** Largest Gaussian scale (world units). */
    public double maxScale = 0.12;
    /**
     * Keep each Gaussian's colour inside the displayable [0, 1] (the range of the prior's training images): classifier-
     * free guidance otherwise pushes saturated colours past 1, where the render leaves the prior's domain.
     */
    public boolean boundColours = true;
    public int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    /**
     * SDS runs at most: after a run whose self-check (the prior reading the object back as a diffusion classifier)
     * prefers a rival reading, another runs while the time budget allows, with its own seed and conditioned on the
     * intended reading in the prior's own words; the run the check likes best is kept. Priors without rival readings
     * run once.
     */
    public int attempts = 3;
    /**
     * The self-check margin at which a run is accepted without another attempt (0: as soon as the intended reading
     * beats every rival; larger asks for a clearer win).
     */
    public double selfCheckAccept = 0;
    /** Views rendered, and noise draws per view, for each self-check. */
    public int selfCheckViews = 8, selfCheckNoises = 4;

    /** The seed of attempt {@code a} (0-based); the first attempt uses {@link #seed} itself. */
    public long attemptSeed(int a) {
        return seed + 1_000_003L * a;
    }

    /** A copy (every field), e.g. for one attempt with its own seed and remaining budget. */
    public SdsConfig copy() {
        SdsConfig c = new SdsConfig();
        c.iterations = iterations; c.maxSeconds = maxSeconds; c.seed = seed; c.guidance = guidance;
        c.viewsPerIteration = viewsPerIteration; c.initGaussians = initGaussians; c.initRadius = initRadius;
        c.initOpacity = initOpacity; c.tMin = tMin; c.tMaxStart = tMaxStart; c.tMaxEnd = tMaxEnd;
        c.lrPositionInit = lrPositionInit; c.lrPositionFinal = lrPositionFinal; c.lrScaling = lrScaling;
        c.lrRotation = lrRotation; c.lrOpacity = lrOpacity; c.lrColour = lrColour; c.densifyInterval = densifyInterval;
        c.densifyUntil = densifyUntil; c.densifyTopFraction = densifyTopFraction; c.maxGaussians = maxGaussians;
        c.minOpacity = minOpacity; c.boundRadius = boundRadius; c.maxScale = maxScale; c.boundColours = boundColours;
        c.threads = threads; c.attempts = attempts; c.selfCheckAccept = selfCheckAccept; c.selfCheckViews = selfCheckViews; c.selfCheckNoises = selfCheckNoises;
        return c;
    }

    public void validate() {
        if (iterations < 0 || maxSeconds < 0) throw new IllegalArgumentException("budgets must not be negative");
        if (iterations == 0 && maxSeconds == 0) throw new IllegalArgumentException("set an iteration or a time budget");
        if (viewsPerIteration < 1) throw new IllegalArgumentException("at least one view per iteration");
        if (!(initOpacity > 0 && initOpacity < 1)) throw new IllegalArgumentException("initial opacity must be in (0, 1)");
        if (initGaussians < 1) throw new IllegalArgumentException("at least one initial Gaussian");
        if (!(tMin > 0 && tMin < tMaxEnd && tMaxEnd <= tMaxStart && tMaxStart < 1)) throw new IllegalArgumentException("timestep range must satisfy 0 < tMin < tMaxEnd <= tMaxStart < 1");
        if (attempts < 1 || attempts > 10) throw new IllegalArgumentException("attempts must be in 1..10");
        if (selfCheckViews < 1 || selfCheckNoises < 1) throw new IllegalArgumentException("a self-check needs at least one view and one noise draw");
        if (!Double.isNaN(guidance) && guidance < 0) throw new IllegalArgumentException("guidance must not be negative");
    }
}
