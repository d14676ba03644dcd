package dev.forge3d.runtime.sfm.mapper;

import boofcv.abst.geo.RefinePnP;
import boofcv.abst.geo.TriangulateNViewsMetric;
import boofcv.alg.geo.robust.RansacCalibrated;
import boofcv.factory.geo.ConfigPnP;
import boofcv.factory.geo.ConfigRansac;
import boofcv.factory.geo.ConfigTriangulation;
import boofcv.factory.geo.FactoryMultiView;
import boofcv.factory.geo.FactoryMultiViewRobust;
import boofcv.struct.calib.CameraPinhole;
import boofcv.struct.geo.Point2D3D;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.bundle.BundleAdjuster;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.point.Point2D_F64;
import georegression.struct.point.Point3D_F64;
import georegression.struct.se.Se3_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Incremental reconstruction (the COLMAP recipe): choose an initial pair with many matches and a wide baseline,
 * then repeatedly register the image that sees the most reconstructed points (PnP + RANSAC, refined), triangulate
 * the tracks it completes, bundle-adjust and drop outlier observations. Ends with global refinement rounds.
 */
public final class IncrementalMapper {

    /**
     * @param thresholdPx          RANSAC and outlier threshold in full-resolution pixels
     * @param minTriangulationDeg  a new point needs two rays at least this far apart
     * @param minPnpInliers        an image needs this many 2D-3D inliers to be registered
     */
    public record Options(double thresholdPx, double minTriangulationDeg, int minPnpInliers, int ransacIterations,
                          long seed) {
        public static Options defaults() {
            return new Options(4.0, 1.5, 30, 2000, 42);
        }
    }

    /** Views needed before a self-calibrated camera's principal point is refined. */
    static final int MIN_VIEWS_FOR_PRINCIPAL_POINT = 8;
    static final boolean ROBUST = !Boolean.getBoolean("forge3d.sfm.plainTriangulation");
    /** {@code -Dforge3d.sfm.centredPrincipalPoint=true}: never free the principal point (COLMAP's default). */
    static final boolean KEEP_PRINCIPAL_POINT_CENTRED = Boolean.getBoolean("forge3d.sfm.centredPrincipalPoint");

    private final Options options;
    private final SceneState s;
    private final TriangulateNViewsMetric triangulator = FactoryMultiView.triangulateNViewMetric(ConfigTriangulation.DLT());
    private int fixedView = -1;
    private int baRuns;
    private int lastGlobalSize = 2;
    /** Per track: how many active observations it had when robust triangulation last failed on it. */
    private final int[] robustTriedWith;

    public IncrementalMapper(SceneState state, Options options) {
        this.s = state;
        this.options = options;
        this.robustTriedWith = new int[state.tracks.size()];
    }

    public SceneState state() { return s; }

    public int bundleAdjustmentRuns() { return baRuns; }

    /** Runs the whole reconstruction from an initial pair; returns false when that pair gave too few points. */
    public boolean reconstruct(InitialPairSelector.Candidate initial, ProgressListener listener) {
        long start = System.nanoTime();
        if (!initialize(initial)) return false;
        int n = s.imageCount();
        int[] failedAtSize = new int[n];
        Arrays.fill(failedAtSize, -1);
        report(listener, start);
        while (true) {
            listener.checkCancelled();
            int size = s.registeredCount();
            int[] visible = new int[n];
            for (int t = 0; t < s.points.length; t++) {
                if (s.points[t] == null) continue;
                for (int img : s.tracks.images[t]) if (!s.registered[img]) visible[img]++;
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparingInt(i -> -visible[i]));
            boolean added = false;
            for (int img : order) {
                if (s.registered[img] || visible[img] < options.minPnpInliers() || failedAtSize[img] == size) continue;
                if (register(img)) { added = true; break; }
                failedAtSize[img] = size;
            }
            if (!added) break;
            triangulateAll();
            int reg = s.registeredCount();
            // A few iterations after every image keep the model consistent; a longer global refinement runs each
            // time the model has grown by a quarter since the last one (COLMAP's schedule, simplified).
            boolean global = reg >= 1.25 * lastGlobalSize || reg < LOCAL_FROM_IMAGES;
            if (global) {
                adjust(20, reg >= 3);
                lastGlobalSize = reg;
            } else {
                adjustAround(lastRegistered);
            }
            filterOutliers(options.thresholdPx());
            triangulateAll();
            report(listener, start);
        }
        // Final global refinement: robust pass, outlier removal, retriangulation, then plain least squares.
        adjust(20, true);
        filterOutliers(options.thresholdPx());
        triangulateAll();
        adjust(15, true);
        filterOutliers(0.5 * options.thresholdPx());
        // Last pass: plain least squares on the inliers, the principal point at the image centre.
        baRuns++;
        BundleAdjuster.adjust(s, new BundleAdjuster.Settings(100, 0, true, false, 1e-12), fixedView);
        filterOutliers(0.5 * options.thresholdPx());
        if (s.registeredCount() >= MIN_VIEWS_FOR_PRINCIPAL_POINT && !KEEP_PRINCIPAL_POINT_CENTRED) refinePrincipalPoint();
        return true;
    }

    /**
     * Frees the principal point of self-calibrated cameras in one more pass, and keeps the result only when it moved
     * it clearly off the centre. A real lens's may sit 15 px off (Herz-Jesus-P8: held at the centre, the median
     * rotation error rose from 0.136 to 0.50 degrees, COLMAP's figure with its centred default); a centred one
     * freed drifts by noise that the rotations absorb (tune-mug: 0.5-0.8 px, and 0.116 -> 0.192 degrees).
     */
    void refinePrincipalPoint() {
        List<LensModel> lenses = new ArrayList<>();
        for (int i = 0; i < s.imageCount(); i++) {
            LensModel l = s.lenses.get(i);
            if (s.registered[i] && !l.fixed && !lenses.contains(l)) lenses.add(l);
        }
        if (lenses.isEmpty()) return;
        Se3_F64[] poses = new Se3_F64[s.poses.length];
        for (int i = 0; i < poses.length; i++) poses[i] = s.poses[i] == null ? null : s.poses[i].copy();
        double[][] points = new double[s.points.length][];
        for (int t = 0; t < points.length; t++) points[t] = s.points[t] == null ? null : s.points[t].clone();
        double[][] intrinsics = new double[lenses.size()][];
        for (int c = 0; c < lenses.size(); c++) {
            LensModel l = lenses.get(c);
            intrinsics[c] = new double[] {l.fx, l.fy, l.cx, l.cy, l.k1};
        }
        double centredRms = BundleAdjuster.rms(s);
        baRuns++;
        double freedRms = BundleAdjuster.adjust(s, new BundleAdjuster.Settings(100, 0, true, true, 1e-12), fixedView);
        boolean moved = false;
        for (int c = 0; c < lenses.size(); c++) {
            LensModel l = lenses.get(c);
            double shift = Math.hypot(l.cx - intrinsics[c][2], l.cy - intrinsics[c][3]);
            moved |= shift >= minPrincipalPointShift(l);
        }
        // Kept only when it moved clearly and explains the keypoints significantly better: two more parameters
        // always fit some noise (the squared error drops by about 2 sigma^2), and where the views constrain them
        // weakly that noise alone can move them pixels. Herz-Jesus-P8's true offset lowers it by over 1,000 sigma^2.
        long observations = 0;
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) continue;
            for (int k = 0; k < s.tracks.images[t].length; k++) if (s.active(t, k)) observations++;
        }
        double gain = freedRms > 0 ? 2.0 * observations * (centredRms * centredRms - freedRms * freedRms) / (freedRms * freedRms)
                : Double.POSITIVE_INFINITY;
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) {
            System.err.printf(java.util.Locale.ROOT, "principal point freed: rms %.4f -> %.4f px, gain %.1f, moved to (%.2f, %.2f)%n",
                    centredRms, freedRms, gain, lenses.get(0).cx, lenses.get(0).cy);
        }
        if (moved && gain >= MIN_PRINCIPAL_POINT_GAIN) {
            filterOutliers(0.5 * options.thresholdPx());
            return;
        }
        System.arraycopy(poses, 0, s.poses, 0, poses.length);
        System.arraycopy(points, 0, s.points, 0, points.length);
        for (int c = 0; c < lenses.size(); c++) {
            LensModel l = lenses.get(c);
            l.fx = intrinsics[c][0]; l.fy = intrinsics[c][1]; l.cx = intrinsics[c][2]; l.cy = intrinsics[c][3]; l.k1 = intrinsics[c][4];
        }
    }

    /**
     * ... and lowered the squared reprojection error by at least this many times the per-coordinate noise variance
     * (chi-square with 2 degrees of freedom: about a 1e-4 chance that noise alone does it).
     */
    static final double MIN_PRINCIPAL_POINT_GAIN = 20;

    /** A freed principal point is kept when it moved at least this far: 2 px, or 0.25 % of the longer side ... */
    static double minPrincipalPointShift(LensModel l) {
        return Math.max(2.0, 0.0025 * Math.max(l.width, l.height));
    }

    private void report(ProgressListener l, long start) {
        double frac = (double) s.registeredCount() / s.imageCount();
        double el = (System.nanoTime() - start) / 1e9;
        l.onProgress(new Progress("sfm.mapping", frac, frac > 0 ? el / frac * (1 - frac) : Double.NaN,
                s.registeredCount() + "/" + s.imageCount() + " images, " + s.pointCount() + " points",
                java.util.Map.of("registered", (double) s.registeredCount(), "points", (double) s.pointCount())));
    }

    /** Below this many placed images every refinement is global; above, images in between are refined locally. */
    static final int LOCAL_FROM_IMAGES = 10;
    /** Images refined in a local bundle adjustment: the new one and those sharing most points with it. */
    static final int LOCAL_IMAGES = 6;
    private int lastRegistered = -1;
    /**
     * Local and intermediate global adjustments stop when a step lowers the cost by less than this fraction (the
     * final ones run to 1e-12). 1e-4 instead of 1e-8 cut the mapping CPU time by 14-20 % on tune-mug, mug48 and
     * buddha13 at unchanged accuracy (docs/sfm.md); {@code -Dforge3d.sfm.baStopGain} sets it.
     */
    static final double STOP_GAIN = Double.parseDouble(System.getProperty("forge3d.sfm.baStopGain", "1e-4"));

    /**
     * Local refinement after image {@code img} was placed (COLMAP's local bundle adjustment): it and the
     * {@link #LOCAL_IMAGES} - 1 placed images that share most points with it move, with the points they see.
     */
    private void adjustAround(int img) {
        int n = s.imageCount();
        int[] shared = new int[n];
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) continue;
            int[] imgs = s.tracks.images[t];
            int k0 = indexOf(imgs, img);
            if (k0 < 0 || !s.active(t, k0)) continue;
            for (int k = 0; k < imgs.length; k++) if (imgs[k] != img && s.active(t, k)) shared[imgs[k]]++;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> -shared[i]));
        boolean[] free = new boolean[n];
        free[img] = true;
        int count = 1;
        for (int i : order) {
            if (count >= LOCAL_IMAGES || shared[i] == 0) break;
            if (i == img || !s.registered[i] || i == fixedView) continue;
            free[i] = true;
            count++;
        }
        baRuns++;
        BundleAdjuster.adjustLocal(s, 25, 1.0, free, STOP_GAIN);
    }

    private void adjust(int iterations, boolean refineIntrinsics) {
        baRuns++;
        BundleAdjuster.adjust(s, new BundleAdjuster.Settings(iterations, 1.0, refineIntrinsics, false, STOP_GAIN), fixedView);
    }

    /** Builds the two-view model of the chosen initial pair; false when too few of its points survive. */
    boolean initialize(InitialPairSelector.Candidate initial) {
        TwoViewGeometry best = initial.pair();
        Se3_F64 bestMotion = initial.aToB();
        s.poses[best.imageA()] = new Se3_F64();
        s.poses[best.imageB()] = bestMotion;
        s.registered[best.imageA()] = s.registered[best.imageB()] = true;
        fixedView = best.imageA();
        triangulateAll();
        adjust(20, false);
        filterOutliers(options.thresholdPx());
        triangulateAll();
        return s.pointCount() >= options.minPnpInliers();
    }

    /** PnP + RANSAC from the image's keypoints that belong to reconstructed tracks, then nonlinear refinement. */
    boolean register(int img) {
        LensModel lens = s.lenses.get(img);
        var f = s.features.get(img);
        List<Point2D3D> list = new ArrayList<>();
        List<Integer> trackOfObs = new ArrayList<>();
        double[] n = new double[2];
        int[] trackOf = s.tracks.trackOf[img];
        for (int kp = 0; kp < trackOf.length; kp++) {
            int t = trackOf[kp];
            if (t < 0 || s.points[t] == null) continue;
            lens.normalize(f.x()[kp], f.y()[kp], n);
            double[] p = s.points[t];
            list.add(new Point2D3D(new Point2D_F64(n[0], n[1]), new Point3D_F64(p[0], p[1], p[2])));
            trackOfObs.add(t);
        }
        if (list.size() < options.minPnpInliers()) return false;
        ConfigRansac cr = new ConfigRansac(options.ransacIterations(), options.thresholdPx());
        cr.randSeed = options.seed() + img;
        RansacCalibrated<Se3_F64, Point2D3D> pnp = FactoryMultiViewRobust.pnpRansac(new ConfigPnP(), cr);
        pnp.setIntrinsic(0, pinhole(lens));
        if (!pnp.process(list)) return false;
        List<Point2D3D> inliers = new ArrayList<>(pnp.getMatchSet());
        if (inliers.size() < options.minPnpInliers() || inliers.size() < 0.1 * list.size()) return false;
        Se3_F64 pose = pnp.getModelParameters().copy();
        RefinePnP refine = FactoryMultiView.pnpRefine(1e-10, 100);
        Se3_F64 refined = new Se3_F64();
        if (refine.fitModel(inliers, pose, refined)) pose = refined;
        s.poses[img] = pose;
        s.registered[img] = true;
        lastRegistered = img;
        // Observations in this image that disagree with its pose are outliers of their tracks.
        double th2 = options.thresholdPx() * options.thresholdPx();
        for (int kp = 0; kp < trackOf.length; kp++) {
            int t = trackOf[kp];
            if (t < 0 || s.points[t] == null) continue;
            int k = indexOf(s.tracks.images[t], img);
            if (s.reprojectionErrorSq(s.points[t], img, f.x()[kp], f.y()[kp]) > th2) s.inlier[t][k] = false;
        }
        return true;
    }

    /** Triangulates every track without a point that has two or more active observations. */
    void triangulateAll() {
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) triangulate(t);
        }
    }

    /**
     * Triangulates track t from its active observations. When one linear fit of all of them leaves an observation
     * off by more than the threshold (a wrong keypoint joined the track through a chain of matches), the track is
     * not lost: as in COLMAP's robust triangulation, every wide enough pair of observations proposes a point, the
     * one that most observations agree with wins, and the disagreeing observations are switched off.
     */
    private boolean triangulate(int t) {
        int[] imgs = s.tracks.images[t];
        List<Point2D_F64> obs = new ArrayList<>(imgs.length);
        List<Se3_F64> poses = new ArrayList<>(imgs.length);
        List<Integer> ks = new ArrayList<>(imgs.length);
        double[] n = new double[2];
        for (int k = 0; k < imgs.length; k++) {
            if (!s.active(t, k)) continue;
            s.lenses.get(imgs[k]).normalize(s.px(t, k), s.py(t, k), n);
            obs.add(new Point2D_F64(n[0], n[1]));
            poses.add(s.poses[imgs[k]]);
            ks.add(k);
        }
        if (obs.size() < 2) return false;
        double[] p = linear(obs, poses);
        if (p != null && allWithin(t, p, ks)) {
            if (!wideEnough(t, p)) return false;
            s.points[t] = p;
            return true;
        }
        // The consensus search is retried only when the track has gained observations since it last failed.
        if (!ROBUST || obs.size() < 3 || robustTriedWith[t] == obs.size()) return false;
        robustTriedWith[t] = obs.size();
        List<Integer> agree = bestConsensus(t, obs, poses, ks);
        if (agree == null) return false;
        List<Point2D_F64> inObs = new ArrayList<>(agree.size());
        List<Se3_F64> inPoses = new ArrayList<>(agree.size());
        for (int i : agree) { inObs.add(obs.get(i)); inPoses.add(poses.get(i)); }
        p = linear(inObs, inPoses);
        List<Integer> inKs = new ArrayList<>(agree.size());
        for (int i : agree) inKs.add(ks.get(i));
        if (p == null || !allWithin(t, p, inKs)) return false;
        for (int k : ks) if (!inKs.contains(k)) s.inlier[t][k] = false;
        if (!wideEnough(t, p)) {
            for (int k : ks) s.inlier[t][k] = true;
            return false;
        }
        s.points[t] = p;
        return true;
    }

    /** Pairs of observations tried per track by the robust triangulation (all pairs of up to 9 observations). */
    private static final int MAX_CONSENSUS_PAIRS = 36;

    /**
     * Indices (into obs) of the largest set of at least two observations that agree with a point triangulated from
     * two of them, or null.
     */
    private List<Integer> bestConsensus(int t, List<Point2D_F64> obs, List<Se3_F64> poses, List<Integer> ks) {
        int m = obs.size();
        double minCos = Math.cos(Math.toRadians(options.minTriangulationDeg()));
        double th2 = options.thresholdPx() * options.thresholdPx();
        int[] imgs = s.tracks.images[t];
        List<Integer> best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        java.util.Random rnd = new java.util.Random(options.seed() + t);
        int total = m * (m - 1) / 2;
        int tries = Math.min(total, MAX_CONSENSUS_PAIRS);
        for (int q = 0; q < tries; q++) {
            int a, b;
            if (total <= MAX_CONSENSUS_PAIRS) {
                // enumerate pair number q
                int idx = q; a = 0;
                while (idx >= m - 1 - a) { idx -= m - 1 - a; a++; }
                b = a + 1 + idx;
            } else {
                a = rnd.nextInt(m);
                b = rnd.nextInt(m - 1);
                if (b >= a) b++;
            }
            double[] p = linear(List.of(obs.get(a), obs.get(b)), List.of(poses.get(a), poses.get(b)));
            if (p == null) continue;
            Point3D_F64 x = new Point3D_F64(p[0], p[1], p[2]);
            if (cosAngle(s.centre(imgs[ks.get(a)]), s.centre(imgs[ks.get(b)]), x) > minCos) continue;
            List<Integer> agree = new ArrayList<>();
            double err = 0;
            for (int i = 0; i < m; i++) {
                int k = ks.get(i);
                double e = s.reprojectionErrorSq(p, imgs[k], s.px(t, k), s.py(t, k));
                if (e <= th2) { agree.add(i); err += e; }
            }
            if (agree.size() < 2) continue;
            if (best == null || agree.size() > best.size() || (agree.size() == best.size() && err < bestErr)) {
                best = agree;
                bestErr = err;
            }
        }
        return best;
    }

    private double[] linear(List<Point2D_F64> obs, List<Se3_F64> poses) {
        Point3D_F64 x = new Point3D_F64();
        if (!triangulator.triangulate(obs, poses, x)) return null;
        if (!Double.isFinite(x.x) || !Double.isFinite(x.y) || !Double.isFinite(x.z)) return null;
        return new double[] {x.x, x.y, x.z};
    }

    private boolean allWithin(int t, double[] p, List<Integer> ks) {
        double th2 = options.thresholdPx() * options.thresholdPx();
        int[] imgs = s.tracks.images[t];
        for (int k : ks) {
            if (s.reprojectionErrorSq(p, imgs[k], s.px(t, k), s.py(t, k)) > th2) return false;
        }
        return true;
    }

    /** True when some two active rays to the point are at least the minimum triangulation angle apart. */
    private boolean wideEnough(int t, double[] p) {
        double minCos = Math.cos(Math.toRadians(options.minTriangulationDeg()));
        int[] imgs = s.tracks.images[t];
        Point3D_F64 x = new Point3D_F64(p[0], p[1], p[2]);
        for (int a = 0; a < imgs.length; a++) {
            if (!s.active(t, a)) continue;
            for (int b = a + 1; b < imgs.length; b++) {
                if (!s.active(t, b)) continue;
                if (cosAngle(s.centre(imgs[a]), s.centre(imgs[b]), x) <= minCos) return true;
            }
        }
        return false;
    }

    /** Switches off observations above the threshold and removes points left with fewer than two. */
    void filterOutliers(double thresholdPx) {
        double th2 = thresholdPx * thresholdPx;
        for (int t = 0; t < s.points.length; t++) {
            double[] p = s.points[t];
            if (p == null) continue;
            int active = 0;
            for (int k = 0; k < s.tracks.images[t].length; k++) {
                if (!s.active(t, k)) continue;
                if (s.reprojectionErrorSq(p, s.tracks.images[t][k], s.px(t, k), s.py(t, k)) > th2) s.inlier[t][k] = false;
                else active++;
            }
            if (active < 2 || !wideEnough(t, p)) s.points[t] = null;
        }
    }

    private static double cosAngle(double[] ca, double[] cb, Point3D_F64 x) {
        double ax = x.x - ca[0], ay = x.y - ca[1], az = x.z - ca[2];
        double bx = x.x - cb[0], by = x.y - cb[1], bz = x.z - cb[2];
        return (ax * bx + ay * by + az * bz) / Math.sqrt((ax * ax + ay * ay + az * az) * (bx * bx + by * by + bz * bz));
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    static CameraPinhole pinhole(LensModel l) {
        return new CameraPinhole(l.fx, l.fy, 0, l.cx, l.cy, l.width, l.height);
    }
}
