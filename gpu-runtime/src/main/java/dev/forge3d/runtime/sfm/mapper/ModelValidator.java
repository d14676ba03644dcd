package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a finished reconstruction can be trusted. A model can have a tiny reprojection error and still be
 * wrong: when every camera collapses onto nearly one pose, the points sit at the end of almost parallel rays and fit
 * any pose. So besides how many photos were placed, it measures the geometry itself: the median triangulation angle
 * of the points, how far apart the camera centres are compared with the distance to the scene, how many points
 * each photo sees, and whether a self-calibrated focal length is one a real camera could have.
 */
public final class ModelValidator {

    /**
     * @param minRegisteredFraction      placed photos over readable photos (and at least 3)
     * @param minMedianTriangulationDeg  median over the points of the widest angle between two of their rays
     * @param minCameraSpread            median distance of the camera centres from their centroid over the median
     *                                   camera-to-point distance (0 when all photos were taken from one spot)
     * @param minMedianPointsPerImage    points the median placed photo sees
     * @param minFocalRatio              self-calibrated focal length over the longer image side, lower bound
     *                                   (0.3 is wider than a 13 mm-equivalent phone ultra-wide lens)
     * @param maxFocalRatio              upper bound (5 is a 180 mm-equivalent telephoto lens)
     * @param maxContradictedShare       of the inlier matches of the strong verified pairs (both photos placed, at
     *                                   least {@code minPairInliers}), the share in pairs that the model explains
     *                                   less than half of ({@link PairAgreement})
     * @param minPairInliers             inliers that make a verified pair strong enough to contradict the model
     * @param pairThresholdPx            epipolar error (pixels) under which the model explains a match
     */
    public record Thresholds(double minRegisteredFraction, double minMedianTriangulationDeg, double minCameraSpread,
                             int minMedianPointsPerImage, double minFocalRatio, double maxFocalRatio,
                             double maxContradictedShare, int minPairInliers, double pairThresholdPx) {
        public static Thresholds defaults() {
            return new Thresholds(0.5, 2.0, 0.02, 30, 0.3, 5.0, 0.01, 60, 4.0);
        }
    }

    /** One measured property of the model and whether it passed. */
    public record Check(String name, double value, double limit, boolean passed, String detail) {
        @Override public String toString() {
            return String.format(Locale.ROOT, "%s %s (%s, limit %s)", name, passed ? "ok" : "FAILED", fmt(value), fmt(limit));
        }
    }

    /** All checks of one model; {@link #passed()} when every one passed. */
    public record ModelChecks(int registered, int images, double medianTriangulationDeg, double cameraSpread,
                              int medianPointsPerImage, int minPointsPerImage, double minFocalRatio,
                              double maxFocalRatio, PairAgreement.Summary pairAgreement, List<Check> checks) {
        public boolean passed() { return checks.stream().allMatch(Check::passed); }

        public List<Check> failed() { return checks.stream().filter(c -> !c.passed()).toList(); }

        public boolean failed(String name) { return failed().stream().anyMatch(c -> c.name().equals(name)); }
    }

    public static final String REGISTERED = "registeredFraction";
    public static final String TRIANGULATION = "medianTriangulationAngle";
    public static final String SPREAD = "cameraSpread";
    public static final String POINTS_PER_IMAGE = "medianPointsPerImage";
    public static final String FOCAL = "focalLength";
    public static final String PAIRS = "contradictedPairs";

    private final Thresholds thresholds;

    public ModelValidator(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public Thresholds thresholds() { return thresholds; }

    /** The checks without the verified pairs (no pair agreement check). */
    public ModelChecks check(SceneState s) {
        return check(s, List.of());
    }

    public ModelChecks check(SceneState s, List<TwoViewGeometry> pairs) {
        int n = s.imageCount(), reg = s.registeredCount();
        double angle = medianTriangulationDeg(s);
        double spread = cameraSpread(s);
        int[] perImage = pointsPerImage(s);
        int medianPoints = perImage.length == 0 ? 0 : perImage[perImage.length / 2];
        int minPoints = perImage.length == 0 ? 0 : perImage[0];
        double minF = Double.NaN, maxF = Double.NaN;
        Map<LensModel, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            LensModel l = s.lenses.get(i);
            if (!s.registered[i] || l.fixed || seen.put(l, true) != null) continue;
            double r = 0.5 * (l.fx + l.fy) / Math.max(l.width, l.height);
            minF = Double.isNaN(minF) ? r : Math.min(minF, r);
            maxF = Double.isNaN(maxF) ? r : Math.max(maxF, r);
        }
        Thresholds t = thresholds;
        double needed = Math.max(3, Math.ceil(t.minRegisteredFraction() * n));
        List<Check> checks = new ArrayList<>();
        checks.add(new Check(REGISTERED, reg, needed, reg >= needed, reg + " of " + n + " photos placed"));
        checks.add(new Check(TRIANGULATION, angle, t.minMedianTriangulationDeg(), angle >= t.minMedianTriangulationDeg(),
                String.format(Locale.ROOT, "median triangulation angle %.2f degrees", angle)));
        checks.add(new Check(SPREAD, spread, t.minCameraSpread(), spread >= t.minCameraSpread(),
                String.format(Locale.ROOT, "camera positions spread over %.1f %% of the distance to the scene", 100 * spread)));
        checks.add(new Check(POINTS_PER_IMAGE, medianPoints, t.minMedianPointsPerImage(),
                medianPoints >= t.minMedianPointsPerImage(), "the median placed photo sees " + medianPoints + " points"));
        if (!Double.isNaN(minF)) {
            boolean ok = minF >= t.minFocalRatio() && maxF <= t.maxFocalRatio();
            double bad = minF < t.minFocalRatio() ? minF : maxF;
            checks.add(new Check(FOCAL, bad, minF < t.minFocalRatio() ? t.minFocalRatio() : t.maxFocalRatio(), ok,
                    String.format(Locale.ROOT, "focal length %.2f x the longer image side", bad)));
        }
        PairAgreement.Summary agreement = PairAgreement.measure(s, pairs, t.pairThresholdPx(), t.minPairInliers());
        if (agreement.strongPairs() > 0) {
            checks.add(new Check(PAIRS, agreement.contradictedShare(), t.maxContradictedShare(),
                    agreement.contradictedShare() <= t.maxContradictedShare(),
                    String.format(Locale.ROOT, "the model contradicts %d of %d strong photo pairs (%.1f %% of their matches)",
                            agreement.contradicted(), agreement.strongPairs(), 100 * agreement.contradictedShare())));
        }
        return new ModelChecks(reg, n, angle, spread, medianPoints, minPoints, minF, maxF, agreement, List.copyOf(checks));
    }

    /** Median over the points of the widest angle (degrees) between two of their active rays; 0 without points. */
    static double medianTriangulationDeg(SceneState s) {
        double[][] centres = centres(s);
        List<Double> angles = new ArrayList<>();
        for (int t = 0; t < s.points.length; t++) {
            double[] p = s.points[t];
            if (p == null) continue;
            int[] imgs = s.tracks.images[t];
            double minCos = 1;
            for (int a = 0; a < imgs.length; a++) {
                if (!s.active(t, a)) continue;
                for (int b = a + 1; b < imgs.length; b++) {
                    if (!s.active(t, b)) continue;
                    minCos = Math.min(minCos, cosAngle(centres[imgs[a]], centres[imgs[b]], p));
                }
            }
            angles.add(Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, minCos)))));
        }
        return median(angles);
    }

    /**
     * Median distance of the registered camera centres from their centroid, over the median distance from a camera
     * to the points it sees. Scale-free; near 0 when the photos were taken from one spot.
     */
    static double cameraSpread(SceneState s) {
        double[][] centres = centres(s);
        double[] mean = new double[3];
        int reg = 0;
        for (double[] c : centres) {
            if (c == null) continue;
            for (int k = 0; k < 3; k++) mean[k] += c[k];
            reg++;
        }
        if (reg < 2) return 0;
        for (int k = 0; k < 3; k++) mean[k] /= reg;
        List<Double> fromCentroid = new ArrayList<>();
        for (double[] c : centres) if (c != null) fromCentroid.add(dist(c, mean));
        List<Double> depth = new ArrayList<>();
        for (int t = 0; t < s.points.length; t++) {
            double[] p = s.points[t];
            if (p == null) continue;
            for (int k = 0; k < s.tracks.images[t].length; k++) {
                if (s.active(t, k)) depth.add(dist(centres[s.tracks.images[t][k]], p));
            }
        }
        double d = median(depth);
        return d > 0 ? median(fromCentroid) / d : 0;
    }

    /** Points seen per registered photo, ascending. */
    static int[] pointsPerImage(SceneState s) {
        int[] count = new int[s.imageCount()];
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) continue;
            for (int k = 0; k < s.tracks.images[t].length; k++) if (s.active(t, k)) count[s.tracks.images[t][k]]++;
        }
        int[] out = new int[s.registeredCount()];
        int j = 0;
        for (int i = 0; i < count.length; i++) if (s.registered[i]) out[j++] = count[i];
        Arrays.sort(out);
        return out;
    }

    private static double[][] centres(SceneState s) {
        double[][] c = new double[s.imageCount()][];
        for (int i = 0; i < c.length; i++) if (s.registered[i]) c[i] = s.centre(i);
        return c;
    }

    private static double cosAngle(double[] ca, double[] cb, double[] x) {
        double ax = x[0] - ca[0], ay = x[1] - ca[1], az = x[2] - ca[2];
        double bx = x[0] - cb[0], by = x[1] - cb[1], bz = x[2] - cb[2];
        return (ax * bx + ay * by + az * bz) / Math.sqrt((ax * ax + ay * ay + az * az) * (bx * bx + by * by + bz * bz));
    }

    private static double dist(double[] a, double[] b) {
        double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return 0;
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
