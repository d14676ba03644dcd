package dev.forge3d.runtime.sfm.geometry;

import boofcv.alg.geo.robust.ModelMatcherMultiview;
import boofcv.alg.geo.robust.RansacCalibrated;
import org.ddogleg.fitting.modelset.ransac.Ransac;
import boofcv.abst.geo.fitting.GenerateEpipolarMatrix;
import boofcv.abst.geo.fitting.ModelManagerEpipolarMatrix;
import boofcv.factory.geo.ConfigEssential;
import boofcv.factory.geo.ConfigFundamental;
import boofcv.factory.geo.ConfigHomography;
import boofcv.factory.geo.ConfigRansac;
import boofcv.factory.geo.FactoryMultiView;
import boofcv.factory.geo.FactoryMultiViewRobust;
import boofcv.struct.calib.CameraPinhole;
import boofcv.struct.geo.AssociatedPair;
import dev.forge3d.runtime.sfm.features.ImageFeatures;
import org.ddogleg.fitting.modelset.ModelMatcher;
import georegression.struct.homography.Homography2D_F64;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the matches of an image pair that agree with one epipolar geometry, found by RANSAC: the essential matrix
 * (five-point) when both cameras' intrinsics are known, the fundamental matrix (seven-point) otherwise.
 * Not thread-safe (RANSAC state): use one instance per thread.
 */
public final class TwoViewVerifier {

    /**
     * RANSAC iterations of the first round. Matches that passed the ratio and mutual tests are mostly inliers, and
     * 200 seven-point samples find such a pair's model many times over; a pair whose first round shows a low inlier
     * ratio gets a second round sized for it. 1000 (before 2026-12-07) gave the same models and took 3 times the
     * verification time on tune-mug (docs/sfm.md).
     */
    private static final int FIRST_ROUND = 200;
    /**
     * F hypotheses scored by {@link SampsonDistance} and the best one locally optimised (COLMAP's LO-RANSAC); with
     * {@code -Dforge3d.sfm.geometricVerification=true} by BoofCV's exact geometric error instead (the default before
     * 2026-12-07: about three times the verification time; docs/sfm.md compares them).
     */
    private static final boolean SAMPSON_F = !Boolean.getBoolean("forge3d.sfm.geometricVerification");
    private final double thresholdPx;
    private final int iterations;
    private final int minInliers;
    private final ModelMatcherMultiview<DMatrixRMaj, AssociatedPair> essential;
    private final ModelMatcher<DMatrixRMaj, AssociatedPair> fundamental;
    private final Ransac<Homography2D_F64, AssociatedPair> homography;

    /**
     * @param thresholdPx RANSAC inlier threshold in full-resolution pixels
     * @param minInliers  pairs with fewer inliers are not considered overlapping
     */
    public TwoViewVerifier(double thresholdPx, int minInliers, int iterations, long seed) {
        this.thresholdPx = thresholdPx;
        this.minInliers = minInliers;
        this.iterations = iterations;
        ConfigEssential ce = new ConfigEssential();
        // Sampson distance: a first-order epipolar error that needs no triangulation per point, far cheaper.
        ce.errorModel = ConfigEssential.ErrorModel.SAMPSON;
        ConfigRansac cr = new ConfigRansac(iterations, thresholdPx);
        cr.randSeed = seed;
        essential = FactoryMultiViewRobust.essentialRansac(ce, cr);
        ConfigFundamental cf = new ConfigFundamental();
        ConfigRansac crf = new ConfigRansac(iterations, thresholdPx);
        crf.randSeed = seed;
        if (SAMPSON_F) {
            // Seven-point samples (BoofCV) scored by the Sampson distance against the squared threshold, as BoofCV's
            // factory does for the exact error.
            Ransac<DMatrixRMaj, AssociatedPair> r = FactoryMultiViewRobust.createRansac(crf, thresholdPx * thresholdPx,
                    new ModelManagerEpipolarMatrix(), AssociatedPair.class);
            r.setModel(() -> new GenerateEpipolarMatrix(FactoryMultiView.fundamental_1(cf.which, cf.numResolve)), SampsonDistance::new);
            fundamental = r;
        } else {
            // The exact geometric error: a degree-6 polynomial per match and hypothesis.
            fundamental = FactoryMultiViewRobust.fundamentalRansac(cf, crf);
        }
        ConfigRansac crh = new ConfigRansac(FIRST_ROUND, thresholdPx);
        crh.randSeed = seed;
        homography = FactoryMultiViewRobust.homographyRansac(new ConfigHomography(), crh);
    }

    /**
     * @param lensA intrinsics of image A, or null when unknown (then both use the fundamental matrix)
     * @return the verified pair, or null when too few matches agree
     */
    public TwoViewGeometry verify(int a, int b, ImageFeatures fa, ImageFeatures fb, int[] matches,
                                  LensModel lensA, LensModel lensB) {
        int n = matches.length / 2;
        if (n < minInliers) return null;
        List<AssociatedPair> pairs = new ArrayList<>(n);
        List<AssociatedPair> pixels = new ArrayList<>(n);
        boolean calibrated = lensA != null && lensB != null && lensA.fixed && lensB.fixed;
        double[] na = new double[2], nb = new double[2];
        for (int m = 0; m < n; m++) {
            int i = matches[2 * m], j = matches[2 * m + 1];
            pixels.add(new AssociatedPair(fa.x()[i], fa.y()[i], fb.x()[j], fb.y()[j]));
            if (calibrated) {
                lensA.normalize(fa.x()[i], fa.y()[i], na);
                lensB.normalize(fb.x()[j], fb.y()[j], nb);
                pairs.add(new AssociatedPair(na[0], na[1], nb[0], nb[1]));
            } else {
                pairs.add(pixels.get(m));
            }
        }
        ModelMatcher<?, AssociatedPair> ransac;
        if (calibrated) {
            essential.setIntrinsic(0, pinhole(lensA));
            essential.setIntrinsic(1, pinhole(lensB));
            ransac = essential;
        } else {
            ransac = fundamental;
        }
        // Adaptive RANSAC: a short first run estimates the inlier ratio, a second run only when that ratio needs
        // more samples for 99.9 % confidence (most verified pairs are mostly inliers after the ratio test).
        int sample = calibrated ? 5 : 7;
        boolean optimise = SAMPSON_F && !calibrated;
        setIterations(ransac, FIRST_ROUND);
        if (!ransac.process(pairs)) return null;
        Fit fit = optimise ? locallyOptimised(pairs, ransac) : null;
        double ratio = (double) (fit != null ? fit.inliers.length : ransac.getMatchSet().size()) / n;
        int needed = (int) Math.ceil(Math.log(0.001) / Math.log(Math.max(1e-12, 1 - Math.pow(ratio, sample))));
        if (needed > FIRST_ROUND && ratio * n >= minInliers) {
            setIterations(ransac, Math.min(iterations, needed));
            if (!ransac.process(pairs)) return null;
            if (optimise) {
                Fit second = locallyOptimised(pairs, ransac);
                if (second.inliers.length > fit.inliers.length) fit = second;
            }
        }
        int k = fit != null ? fit.inliers.length : ransac.getMatchSet().size();
        if (k < minInliers) return null;
        int[] inl = new int[2 * k];
        for (int q = 0; q < k; q++) {
            int src = fit != null ? fit.inliers[q] : ransac.getInputIndex(q);
            inl[2 * q] = matches[2 * src];
            inl[2 * q + 1] = matches[2 * src + 1];
        }
        double[] f = null;
        if (!calibrated) f = fit != null ? fit.f.data.clone() : ((DMatrixRMaj) ransac.getModelParameters()).data.clone();
        if (pixels.size() < 4 || !homography.process(pixels)) return new TwoViewGeometry(a, b, inl, f, 0, null);
        List<AssociatedPair> hInliers = homography.getMatchSet();
        return new TwoViewGeometry(a, b, inl, f, hInliers.size(), refit(hInliers));
    }

    private record Fit(DMatrixRMaj f, int[] inliers) { }

    /**
     * Local optimisation of RANSAC's best F (LO-RANSAC, Chum et al. 2003, as COLMAP does): the normalised eight-point
     * fit to its inliers, repeated while it gains inliers. A minimal sample that caught only part of a weak pair's
     * true matches scores few inliers; refitted on them the model finds the rest.
     */
    private Fit locallyOptimised(List<AssociatedPair> pairs, ModelMatcher<?, AssociatedPair> ransac) {
        DMatrixRMaj best = ((DMatrixRMaj) ransac.getModelParameters()).copy();
        int[] bestIn = inliers(pairs, best);
        var eightPoint = FactoryMultiView.fundamental_1(boofcv.factory.geo.EnumFundamental.LINEAR_8, 0);
        for (int round = 0; round < 10 && bestIn.length >= 8; round++) {
            List<AssociatedPair> sub = new ArrayList<>(bestIn.length);
            for (int i : bestIn) sub.add(pairs.get(i));
            DMatrixRMaj f = new DMatrixRMaj(3, 3);
            if (!eightPoint.process(sub, f)) break;
            int[] in = inliers(pairs, f);
            if (in.length <= bestIn.length) break;
            best = f;
            bestIn = in;
        }
        return new Fit(best, bestIn);
    }

    private int[] inliers(List<AssociatedPair> pairs, DMatrixRMaj f) {
        SampsonDistance d = new SampsonDistance();
        d.setModel(f);
        double t2 = thresholdPx * thresholdPx;
        int[] out = new int[pairs.size()];
        int k = 0;
        for (int i = 0; i < pairs.size(); i++) if (d.distance(pairs.get(i)) <= t2) out[k++] = i;
        return java.util.Arrays.copyOf(out, k);
    }

    /** Least-squares (normalised DLT) homography of the RANSAC inliers, or null. */
    private static double[] refit(List<AssociatedPair> inliers) {
        if (inliers.size() < 4) return null;
        DMatrixRMaj h = new DMatrixRMaj(3, 3);
        if (!FactoryMultiView.homographyDLT(true).process(inliers, h)) return null;
        return h.data.clone();
    }

    public double thresholdPx() { return thresholdPx; }

    private static void setIterations(ModelMatcher<?, ?> m, int n) {
        if (m instanceof RansacCalibrated<?, ?> rc) rc.getFitter().setMaxIterations(n);
        else if (m instanceof Ransac<?, ?> r) r.setMaxIterations(n);
        else throw new IllegalStateException("unexpected RANSAC type " + m.getClass());
    }

    static CameraPinhole pinhole(LensModel l) {
        return new CameraPinhole(l.fx, l.fy, 0, l.cx, l.cy, l.width, l.height);
    }
}
