package dev.forge3d.runtime.sfm.mapper;

import boofcv.abst.geo.TriangulateNViewsMetric;
import boofcv.alg.geo.robust.RansacCalibrated;
import boofcv.factory.geo.ConfigEssential;
import boofcv.factory.geo.ConfigRansac;
import boofcv.factory.geo.ConfigTriangulation;
import boofcv.factory.geo.FactoryMultiView;
import boofcv.factory.geo.FactoryMultiViewRobust;
import boofcv.struct.geo.AssociatedPair;
import dev.forge3d.runtime.sfm.features.ImageFeatures;
import dev.forge3d.runtime.sfm.geometry.HomographyParallax;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;
import georegression.struct.point.Point3D_F64;
import georegression.struct.se.Se3_F64;
import georegression.transform.se.SePointOps_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Ranks the image pairs a reconstruction can start from (COLMAP's initial pair rule, simplified). Pairs are
 * considered in order of inliers weighted by parallax ({@code inliers x (1 - H/E ratio)}: a pair that one homography
 * explains was taken from one spot or sees one plane, and its relative pose is unreliable). For each, the relative
 * pose is estimated from the essential matrix and the inliers are triangulated; a pair is usable when its median
 * triangulation angle reaches {@code minMedianAngleDeg} and enough inliers triangulate at 4 degrees or more; pairs
 * with real parallax (H/E ratio at most {@code maxHomographyRatio}, COLMAP's 0.8) rank first, then by those wide
 * inliers. When the focal length is only a guess (no EXIF, no given intrinsics) a homography-dominated pair is not
 * usable at all: photos taken from one spot, seen through a wrong focal length, give an essential matrix with
 * several degrees of fictitious parallax (5-6 degrees on the turning-camera test set) from which a wrong but
 * self-consistent model grows. With a trusted focal length such a pair is kept (a scene dominated by one plane,
 * photographed from different spots) unless its homography is a pure rotation ({@link HomographyParallax}).
 */
public final class InitialPairSelector {

    /**
     * @param pair              the verified pair
     * @param aToB              pose of image B relative to image A (unit baseline)
     * @param medianAngleDeg    median triangulation angle of the inliers in front of both cameras
     * @param wideInliers       inliers in front of both cameras with a triangulation angle of 4 degrees or more
     * @param homographyRatio   the pair's H/E inlier ratio (NaN when not measured)
     * @param homographyParallax how far the pair's homography is from a pure rotation under the lenses
     *                          ({@link HomographyParallax}; about the parallax in radians, NaN when unknown)
     */
    public record Candidate(TwoViewGeometry pair, Se3_F64 aToB, double medianAngleDeg, int wideInliers,
                            double homographyRatio, double homographyParallax) { }

    /**
     * @param usable    candidates to try, best first
     * @param examined  every pair whose relative pose was estimated (for the failure reason and the summary)
     */
    public record Selection(List<Candidate> usable, List<Candidate> examined) { }

    private static final int PAIRS_EXAMINED = 20;
    private static final double WIDE_DEG = 4.0;
    /** Good candidates to find before weaker pairs are skipped (reconstruction attempts rarely need more). */
    private static final int KEPT = 3;
    /**
     * A homography-dominated pair whose homography is this close to a pure rotation (under trusted intrinsics) was
     * taken from one spot: 0.02 is about 1.1 degrees of parallax. The essential matrix of such a pair can still
     * show a median triangulation angle near 2 degrees (1.89 on the turning-camera test set with the true K), from a
     * wrongly estimated rotation.
     */
    static final double MIN_HOMOGRAPHY_PARALLAX = 0.02;

    private final IncrementalMapper.Options options;
    private final double minMedianAngleDeg;
    private final double maxHomographyRatio;
    private final TriangulateNViewsMetric triangulator = FactoryMultiView.triangulateNViewMetric(ConfigTriangulation.DLT());

    public InitialPairSelector(IncrementalMapper.Options options, double minMedianAngleDeg, double maxHomographyRatio) {
        this.options = options;
        this.minMedianAngleDeg = minMedianAngleDeg;
        this.maxHomographyRatio = maxHomographyRatio;
    }

    /** @param trustedFocal the lenses' focal lengths were given or come from EXIF (not a prior guess) */
    public Selection select(List<TwoViewGeometry> pairs, List<ImageFeatures> features, List<LensModel> lenses,
                            boolean trustedFocal) {
        List<TwoViewGeometry> order = new ArrayList<>(pairs);
        order.removeIf(p -> p.inliers() < 2 * options.minPnpInliers());
        order.sort(Comparator.comparingDouble(p -> -parallaxWeighted(p)));
        ConfigRansac cr = new ConfigRansac(options.ransacIterations(), options.thresholdPx());
        cr.randSeed = options.seed();
        RansacCalibrated<Se3_F64, AssociatedPair> ransac = FactoryMultiViewRobust.baselineRansac(new ConfigEssential(), cr);
        List<Candidate> examined = new ArrayList<>();
        List<Integer> wideOfGood = new ArrayList<>();
        for (TwoViewGeometry p : order.subList(0, Math.min(PAIRS_EXAMINED, order.size()))) {
            // Once enough good candidates are known, a pair with fewer inliers than their wide inliers cannot rank
            // before them: skip its (costly) relative pose.
            if (wideOfGood.size() >= KEPT && p.inliers() <= wideOfGood.get(KEPT - 1)) continue;
            Candidate c = evaluate(p, features, lenses, ransac);
            if (c == null) continue;
            examined.add(c);
            if (usable(c, trustedFocal) && hasParallax(c)) {
                wideOfGood.add(c.wideInliers());
                wideOfGood.sort(Comparator.reverseOrder());
            }
        }
        List<Candidate> usable = new ArrayList<>();
        for (Candidate c : examined) {
            if (usable(c, trustedFocal)) usable.add(c);
        }
        usable.sort(Comparator.comparing((Candidate c) -> !hasParallax(c)).thenComparingInt(c -> -c.wideInliers()));
        return new Selection(List.copyOf(usable), List.copyOf(examined));
    }

    private boolean usable(Candidate c, boolean trustedFocal) {
        return c.medianAngleDeg() >= minMedianAngleDeg && c.wideInliers() >= options.minPnpInliers()
                && (hasParallax(c) || trustedFocal && !(c.homographyParallax() < MIN_HOMOGRAPHY_PARALLAX));
    }

    private boolean hasParallax(Candidate c) {
        return !(c.homographyRatio() > maxHomographyRatio);
    }

    /** Inliers weighted by how much a homography fails to explain them. */
    static double parallaxWeighted(TwoViewGeometry p) {
        double h = p.homographyRatio();
        return Double.isNaN(h) ? p.inliers() : p.inliers() * Math.max(0.05, 1 - Math.min(1, h));
    }

    private Candidate evaluate(TwoViewGeometry p, List<ImageFeatures> features, List<LensModel> lenses,
                               RansacCalibrated<Se3_F64, AssociatedPair> ransac) {
        LensModel la = lenses.get(p.imageA()), lb = lenses.get(p.imageB());
        ImageFeatures fa = features.get(p.imageA()), fb = features.get(p.imageB());
        List<AssociatedPair> obs = new ArrayList<>();
        double[] na = new double[2], nb = new double[2];
        int[] m = p.matches();
        for (int k = 0; k < m.length; k += 2) {
            la.normalize(fa.x()[m[k]], fa.y()[m[k]], na);
            lb.normalize(fb.x()[m[k + 1]], fb.y()[m[k + 1]], nb);
            obs.add(new AssociatedPair(na[0], na[1], nb[0], nb[1]));
        }
        ransac.setIntrinsic(0, IncrementalMapper.pinhole(la));
        ransac.setIntrinsic(1, IncrementalMapper.pinhole(lb));
        if (!ransac.process(obs)) return null;
        Se3_F64 aToB = ransac.getModelParameters().copy();
        Se3_F64 id = new Se3_F64();
        Point3D_F64 x = new Point3D_F64(), xb = new Point3D_F64();
        double[] cb = centreOf(aToB);
        double wideCos = Math.cos(Math.toRadians(WIDE_DEG));
        List<AssociatedPair> inliers = ransac.getMatchSet();
        double[] angles = new double[inliers.size()];
        int valid = 0, wide = 0;
        for (AssociatedPair ap : inliers) {
            if (!triangulator.triangulate(List.of(ap.p1, ap.p2), List.of(id, aToB), x)) continue;
            SePointOps_F64.transform(aToB, x, xb);
            if (x.z <= 0 || xb.z <= 0) continue;
            double cos = cosAngle(cb, x);
            if (cos <= wideCos) wide++;
            angles[valid++] = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
        }
        double median = 0;
        if (valid > 0) {
            double[] a = Arrays.copyOf(angles, valid);
            Arrays.sort(a);
            median = a[valid / 2];
        }
        return new Candidate(p, aToB, median, wide, p.homographyRatio(), HomographyParallax.of(p.homography(), la, lb));
    }

    /** Cosine of the angle at x between the rays from the origin (camera A) and from cb. */
    private static double cosAngle(double[] cb, Point3D_F64 x) {
        double ax = x.x, ay = x.y, az = x.z;
        double bx = x.x - cb[0], by = x.y - cb[1], bz = x.z - cb[2];
        return (ax * bx + ay * by + az * bz) / Math.sqrt((ax * ax + ay * ay + az * az) * (bx * bx + by * by + bz * bz));
    }

    private static double[] centreOf(Se3_F64 worldToView) {
        var r = worldToView.R.data;
        var t = worldToView.T;
        return new double[] {
            -(r[0] * t.x + r[3] * t.y + r[6] * t.z),
            -(r[1] * t.x + r[4] * t.y + r[7] * t.z),
            -(r[2] * t.x + r[5] * t.y + r[8] * t.z)};
    }
}
