package dev.forge3d.runtime.sfm.bundle;

import boofcv.abst.geo.bundle.BundleAdjustment;
import boofcv.abst.geo.bundle.ScaleSceneStructure;
import boofcv.abst.geo.bundle.SceneObservations;
import boofcv.abst.geo.bundle.SceneStructureMetric;
import boofcv.alg.geo.bundle.cameras.BundlePinhole;
import boofcv.factory.geo.ConfigBundleAdjustment;
import boofcv.factory.geo.FactoryMultiView;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.mapper.SceneState;
import georegression.struct.se.Se3_F64;
import org.ddogleg.optimization.ConfigLoss;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Global bundle adjustment of a {@link SceneState} ({@link SchurLevenbergMarquardt}):
 * refines every registered pose, every 3D point and the intrinsics of self-calibrated cameras (focal length and
 * one radial term), minimising reprojection error in pixels under an optional robust loss. The first registered
 * image's pose is held fixed to remove part of the gauge freedom.
 */
public final class BundleAdjuster {

    /** @param robustLossPx     Cauchy loss scale in pixels, or {@code <= 0} for plain least squares
     * @param refineIntrinsics whether self-calibrated cameras are refined (held fixed while the scene is too small)
     * @param refinePrincipalPoint whether their principal point is refined too
     * @param tolerance        relative change of the cost (and gradient size) at which the solver stops
     */
    public record Settings(int maxIterations, double robustLossPx, boolean refineIntrinsics, boolean refinePrincipalPoint,
                           double tolerance) { }

    private BundleAdjuster() { }

    /** @return the RMS reprojection error in pixels after optimisation */
    public static double adjust(SceneState s, Settings settings, int fixedView) {
        return adjust(s, settings, fixedView, null);
    }

    /**
     * Local bundle adjustment (COLMAP's, after each new image): only the poses of the {@code free} images and the
     * points they see move; every other registered image that sees those points takes part with its pose held, so
     * the gauge stays where the global model put it. Intrinsics are held too.
     */
    public static void adjustLocal(SceneState s, int maxIterations, double robustLossPx, boolean[] free, double tolerance) {
        adjust(s, new Settings(maxIterations, robustLossPx, false, false, tolerance), -1, free);
    }

    private static double adjust(SceneState s, Settings settings, int fixedView, boolean[] free) {
        int n = s.imageCount();
        List<Integer> pointTracks = new ArrayList<>();
        boolean[] involved = new boolean[n];
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) continue;
            if (free != null) {
                boolean local = false;
                for (int k = 0; k < s.tracks.images[t].length && !local; k++) {
                    local = s.active(t, k) && free[s.tracks.images[t][k]];
                }
                if (!local) continue;
            }
            pointTracks.add(t);
            for (int k = 0; k < s.tracks.images[t].length; k++) if (s.active(t, k)) involved[s.tracks.images[t][k]] = true;
        }
        int[] viewOf = new int[n];
        List<Integer> views = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            viewOf[i] = -1;
            if (s.registered[i] && (free == null || involved[i])) { viewOf[i] = views.size(); views.add(i); }
        }
        Map<LensModel, Integer> cameraIndex = new IdentityHashMap<>();
        List<LensModel> cameras = new ArrayList<>();
        for (int i : views) {
            LensModel l = s.lenses.get(i);
            if (!cameraIndex.containsKey(l)) { cameraIndex.put(l, cameras.size()); cameras.add(l); }
        }

        if (!BOOFCV) return adjustSchur(s, settings, fixedView, free, pointTracks, views, viewOf, cameras, cameraIndex);

        SceneStructureMetric structure = new SceneStructureMetric(false);
        structure.initialize(cameras.size(), views.size(), pointTracks.size());
        for (int c = 0; c < cameras.size(); c++) {
            LensModel l = cameras.get(c);
            if (l.fixed || !settings.refineIntrinsics()) {
                structure.setCamera(c, true, l.k1 == 0 ? new BundlePinhole(true).setK(l.fx, l.fy, 0, l.cx, l.cy)
                        : new SimpleRadialCamera(l.fx, l.k1, l.cx, l.cy, false));
            } else {
                structure.setCamera(c, false, new SimpleRadialCamera(l.fx, l.k1, l.cx, l.cy, settings.refinePrincipalPoint()));
            }
        }
        for (int v = 0; v < views.size(); v++) {
            int img = views.get(v);
            boolean held = free == null ? img == fixedView : !free[img];
            structure.setView(v, cameraIndex.get(s.lenses.get(img)), held, s.poses[img].copy());
        }
        SceneObservations obs = new SceneObservations();
        obs.initialize(views.size());
        for (int p = 0; p < pointTracks.size(); p++) {
            int t = pointTracks.get(p);
            double[] x = s.points[t];
            structure.setPoint(p, x[0], x[1], x[2]);
            for (int k = 0; k < s.tracks.images[t].length; k++) {
                if (!s.active(t, k)) continue;
                int v = viewOf[s.tracks.images[t][k]];
                structure.connectPointToView(p, v);
                obs.getView(v).add(p, (float) s.px(t, k), (float) s.py(t, k));
            }
        }
        ConfigBundleAdjustment config = new ConfigBundleAdjustment();
        if (settings.robustLossPx() > 0) config.loss = new ConfigLoss(ConfigLoss.Type.CAUCHY, settings.robustLossPx());
        BundleAdjustment<SceneStructureMetric> ba = FactoryMultiView.bundleSparseMetric(config);
        ba.configure(settings.tolerance(), settings.tolerance(), settings.maxIterations());
        ScaleSceneStructure scale = new ScaleSceneStructure();
        scale.applyScale(structure, obs);
        ba.setParameters(structure, obs);
        long t0 = System.nanoTime();
        ba.optimize(structure);
        scale.undoScale(structure, obs);
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) {
            System.err.printf(java.util.Locale.ROOT, "ba views=%d points=%d iter<=%d %.2fs%n", views.size(), pointTracks.size(),
                    settings.maxIterations(), (System.nanoTime() - t0) / 1e9);
        }

        for (int v = 0; v < views.size(); v++) {
            s.poses[views.get(v)] = structure.getParentToView(v).copy();
        }
        for (int p = 0; p < pointTracks.size(); p++) {
            var pt = structure.points.get(p);
            s.points[pointTracks.get(p)] = new double[] {pt.getX(), pt.getY(), pt.getZ()};
        }
        for (int c = 0; c < cameras.size(); c++) {
            LensModel l = cameras.get(c);
            if (!l.fixed && settings.refineIntrinsics()) {
                SimpleRadialCamera cam = structure.getCameraModel(c);
                l.fx = cam.f;
                l.fy = cam.f;
                l.k1 = cam.k1;
                l.cx = cam.cx;
                l.cy = cam.cy;
            }
        }
        return rms(s);
    }

    /**
     * BoofCV's general sparse solver instead of {@link SchurLevenbergMarquardt} ({@code -Dforge3d.sfm.boofcvBundleAdjustment=true}),
     * kept to compare the two on the same build (docs/sfm.md).
     */
    private static final boolean BOOFCV = Boolean.getBoolean("forge3d.sfm.boofcvBundleAdjustment");

    private static double adjustSchur(SceneState s, Settings settings, int fixedView, boolean[] free, List<Integer> pointTracks,
                                      List<Integer> views, int[] viewOf, List<LensModel> cameras,
                                      Map<LensModel, Integer> cameraIndex) {
        SchurLevenbergMarquardt.Problem pr = new SchurLevenbergMarquardt.Problem();
        int nv = views.size();
        pr.rotation = new double[nv][];
        pr.translation = new double[nv][];
        pr.viewHeld = new boolean[nv];
        pr.viewLens = new int[nv];
        for (int v = 0; v < nv; v++) {
            int img = views.get(v);
            pr.rotation[v] = s.poses[img].R.data.clone();
            var t = s.poses[img].T;
            pr.translation[v] = new double[] {t.x, t.y, t.z};
            pr.viewHeld[v] = free == null ? img == fixedView : !free[img];
            pr.viewLens[v] = cameraIndex.get(s.lenses.get(img));
        }
        pr.lens = new double[cameras.size()][];
        pr.lensFreeParameters = new int[cameras.size()];
        for (int c = 0; c < cameras.size(); c++) {
            LensModel l = cameras.get(c);
            pr.lens[c] = new double[] {l.fx, l.fy, l.cx, l.cy, l.k1};
            boolean refine = !l.fixed && settings.refineIntrinsics();
            pr.lensFreeParameters[c] = !refine ? 0 : settings.refinePrincipalPoint() ? 4 : 2;
            if (refine) pr.lens[c][1] = l.fx; // a refined lens has one focal length
        }
        int np = pointTracks.size(), nobs = 0;
        for (int t : pointTracks) for (int k = 0; k < s.tracks.images[t].length; k++) if (s.active(t, k)) nobs++;
        pr.points = new double[np][];
        pr.obsStart = new int[np + 1];
        pr.obsView = new int[nobs];
        pr.obsX = new double[nobs];
        pr.obsY = new double[nobs];
        int o = 0;
        for (int p = 0; p < np; p++) {
            int t = pointTracks.get(p);
            pr.points[p] = s.points[t].clone();
            pr.obsStart[p] = o;
            for (int k = 0; k < s.tracks.images[t].length; k++) {
                if (!s.active(t, k)) continue;
                pr.obsView[o] = viewOf[s.tracks.images[t][k]];
                pr.obsX[o] = s.px(t, k);
                pr.obsY[o] = s.py(t, k);
                o++;
            }
        }
        pr.obsStart[np] = o;
        pr.lossPx = settings.robustLossPx();
        long t0 = System.nanoTime();
        int held = free == null && fixedView >= 0 ? viewOf[fixedView] : -1;
        double spreadBefore = held >= 0 ? spread(pr, held) : 0;
        var result = new SchurLevenbergMarquardt(pr).solve(settings.maxIterations(), settings.tolerance());
        if (held >= 0 && spreadBefore > 0) keepScale(pr, held, spreadBefore / spread(pr, held));
        if (System.getenv("FORGE3D_SFM_DEBUG") != null) {
            System.err.printf(java.util.Locale.ROOT, "ba views=%d points=%d iter=%d/%d cost %.4g -> %.4g %.2fs%n", nv, np,
                    result.iterations(), settings.maxIterations(), result.initialCost(), result.finalCost(), (System.nanoTime() - t0) / 1e9);
        }
        for (int v = 0; v < nv; v++) {
            // A new pose object: the old one may be shared (an initial pair's motion is also its candidate's).
            Se3_F64 pose = new Se3_F64();
            System.arraycopy(pr.rotation[v], 0, pose.R.data, 0, 9);
            pose.T.setTo(pr.translation[v][0], pr.translation[v][1], pr.translation[v][2]);
            s.poses[views.get(v)] = pose;
        }
        for (int p = 0; p < np; p++) s.points[pointTracks.get(p)] = pr.points[p];
        for (int c = 0; c < cameras.size(); c++) {
            if (pr.lensFreeParameters[c] == 0) continue;
            LensModel l = cameras.get(c);
            double[] k = pr.lens[c];
            l.fx = k[0]; l.fy = k[1]; l.cx = k[2]; l.cy = k[3]; l.k1 = k[4];
        }
        return rms(s);
    }

    /** Mean distance of the camera centres from the held camera's. */
    private static double spread(SchurLevenbergMarquardt.Problem pr, int held) {
        double[] c0 = centre(pr, held);
        double sum = 0;
        for (int v = 0; v < pr.rotation.length; v++) {
            double[] c = centre(pr, v);
            sum += Math.sqrt((c[0] - c0[0]) * (c[0] - c0[0]) + (c[1] - c0[1]) * (c[1] - c0[1]) + (c[2] - c0[2]) * (c[2] - c0[2]));
        }
        return sum / pr.rotation.length;
    }

    /**
     * Scales the scene by {@code k} about the held camera's centre. A global adjustment holds one pose, which leaves
     * the scale free: the reprojection error does not change along it, but the damped steps drift along it (a
     * preview job's scene shrank 47 times over its refinements, and training, whose near plane and densification
     * work in scene units, failed). Scaling back after each solve keeps the scale the initial pair set.
     */
    private static void keepScale(SchurLevenbergMarquardt.Problem pr, int held, double k) {
        if (!Double.isFinite(k) || k <= 0) return;
        double[] c0 = centre(pr, held);
        for (int v = 0; v < pr.rotation.length; v++) {
            double[] c = centre(pr, v), r = pr.rotation[v];
            double[] cs = {c0[0] + k * (c[0] - c0[0]), c0[1] + k * (c[1] - c0[1]), c0[2] + k * (c[2] - c0[2])};
            for (int i = 0; i < 3; i++) pr.translation[v][i] = -(r[3 * i] * cs[0] + r[3 * i + 1] * cs[1] + r[3 * i + 2] * cs[2]);
        }
        for (double[] x : pr.points) for (int i = 0; i < 3; i++) x[i] = c0[i] + k * (x[i] - c0[i]);
    }

    /** Camera centre {@code -R' T} of view v. */
    private static double[] centre(SchurLevenbergMarquardt.Problem pr, int v) {
        double[] r = pr.rotation[v], t = pr.translation[v];
        return new double[] {-(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]), -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
            -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2])};
    }

    /** RMS reprojection error in pixels over all active observations of triangulated tracks. */
    public static double rms(SceneState s) {
        double sum = 0;
        long count = 0;
        for (int t = 0; t < s.points.length; t++) {
            if (s.points[t] == null) continue;
            for (int k = 0; k < s.tracks.images[t].length; k++) {
                if (!s.active(t, k)) continue;
                sum += s.reprojectionErrorSq(s.points[t], s.tracks.images[t][k], s.px(t, k), s.py(t, k));
                count++;
            }
        }
        return count == 0 ? 0 : Math.sqrt(sum / count);
    }

}
