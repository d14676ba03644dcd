package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.mesh.MarchingCubes;
import dev.forge3d.runtime.mesh.MeshDecimator;
import dev.forge3d.runtime.mesh.Srgb;
import dev.forge3d.runtime.mesh.TexturedMesh;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.Rasterizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Web-ready assets of a trained photo scene: the object the photos are about, upright (glTF: +Y up), centred on the
 * origin and resting on y = 0, as a coloured mesh (depth rendered from the Gaussians at every training camera,
 * fused into a truncated signed distance volume, closed, meshed by marching cubes, decimated, coloured from the
 * photos) and as the Gaussians inside the object's box, moved into the same frame.
 *
 * <p>With {@code crop=auto} the object is located by {@link ObjectLocator} and cut out of its surroundings (support
 * plane and background); when no object can be found the whole scene is kept and {@link Result#decisions} says why.
 */
public final class ProductAssets {

    public enum Crop { AUTO, NONE }

    /**
     * @param crop          {@link Crop#AUTO} to cut the object out, {@link Crop#NONE} for the whole scene
     * @param maxTriangles  triangle budget of the mesh
     * @param resolution    voxels along the longest side of the object's box
     * @param keepScale     true for photos with known poses (their units are kept); false for structure from motion,
     *                      whose scale is arbitrary: then the object is scaled to {@code heightMeters} (1 unit when NaN)
     * @param heightMeters  the object's real height in metres (NaN when not given)
     * @param depthMaxSide  longest side of the rendered depth maps
     * @param textureSize   side of the baked base-colour texture in texels; 0 for vertex colours only
     */
    public record Options(Crop crop, int maxTriangles, int resolution, boolean keepScale, double heightMeters, int depthMaxSide,
                          int textureSize) {
        public static final int DEFAULT_TRIANGLES = 100_000;
        public static final int DEFAULT_RESOLUTION = 224;
        public static final int DEFAULT_TEXTURE = 2048;

        public static Options defaults(boolean keepScale) {
            return new Options(Crop.AUTO, DEFAULT_TRIANGLES, DEFAULT_RESOLUTION, keepScale, Double.NaN, 640, DEFAULT_TEXTURE);
        }

        public Options withCrop(Crop c) {
            return new Options(c, maxTriangles, resolution, keepScale, heightMeters, depthMaxSide, textureSize);
        }

        public Options withTextureSize(int size) {
            return new Options(crop, maxTriangles, resolution, keepScale, heightMeters, depthMaxSide, size);
        }
    }

    /**
     * @param mesh           the mesh in the model frame, colours linear (glTF's COLOR_0)
     * @param textured       the same mesh with a baked base-colour texture (null when {@code textureSize} is 0)
     * @param gaussians      the (cropped) Gaussians in the model frame
     * @param modelFromScene the map from the reconstruction's frame to the model frame
     * @param decisions      what was found and decided, for metrics.json
     */
    public record Result(TriangleMesh mesh, TexturedMesh textured, GaussianModel gaussians, Similarity modelFromScene,
                         Map<String, Object> decisions) { }

    private static final String STAGE = "export.mesh";
    /**
     * Share of the views with a depth at a voxel that must see it behind their surface for {@link TsdfVolume#fillInterior}
     * to make it solid (measured on the tuning scenes: 0.9 lifts tune-vase's F-score at 1 % from 0.57 to 0.73).
     */
    static final double INTERIOR_SHARE = 0.9;

    /**
     * Thickest gap (voxels) between the fused surface and the silhouettes' hull that {@link TsdfVolume#fillHullGaps}
     * closes where the silhouettes need it; 0 turns the step off ({@code -Dforge3d.mesh.hullGap=V} to measure others).
     * Chosen with the expected depth of the Gaussians' centres (inside the object): tune-vase F@1 % 0.754 / 0.878 / 0.870
     * for off / 10 / 24. Measured again with the opacity field's surface depth on twelve TUNE meshes, 4 / 10: a mean
     * F@1 % of 0.755 / 0.775 (4 helps flat tops, whose loose visual hull a wide gap fills, and costs the pale
     * products on white, whose silhouettes hold the shape; docs/product-scenes.md, fifteenth session).
     */
    static final double HULL_GAP_VOXELS = 10;

    static double hullGapVoxels() {
        String v = System.getProperty("forge3d.mesh.hullGap");
        return v == null ? HULL_GAP_VOXELS : Double.parseDouble(v);
    }

    private ProductAssets() { }

    public static Result build(GaussianModel model, List<View> views, Options opt, Rasterizer raster, ProgressListener progress) {
        return build(model, views, List.of(), opt, raster, progress);
    }

    /**
     * @param masks the photos' object masks, one per view (coverage in [0, 1], row-major at the view's camera size,
     *              already grown by the margin they are trusted to; null for a view without one), or an empty list:
     *              the volume is carved to their hull (what projects outside a mask in some view is not the object)
     */
    public static Result build(GaussianModel model, List<View> views, List<float[]> masks, Options opt, Rasterizer raster,
                               ProgressListener progress) {
        return build(model, views, masks, false, opt, raster, progress);
    }

    /**
     * @param masksMayHoldFloor the masks were estimated (a shadow or a reflection next to the object counts as
     *                          object in them), so a level floor found inside their hull around the object's foot is
     *                          floor ({@link #floorInsideMasks}). False for a user's masks, which mean what they show: a
     *                          flat part of the product standing out around its foot (a saucer) must not be cut away.
     */
    public static Result build(GaussianModel model, List<View> views, List<float[]> masks, boolean masksMayHoldFloor,
                               Options opt, Rasterizer raster, ProgressListener progress) {
        Map<String, Object> decisions = new LinkedHashMap<>();
        decisions.put("requested", opt.crop().name().toLowerCase(java.util.Locale.ROOT));
        List<Camera> cameras = views.stream().map(View::camera).toList();
        if (!masks.isEmpty() && masks.size() != views.size()) {
            throw new IllegalArgumentException(masks.size() + " masks for " + views.size() + " views");
        }
        SilhouetteHull maskHull = masks.isEmpty() ? null : SilhouetteHull.ofMasks(cameras, masks);
        if (maskHull != null && maskHull.views() == 0) maskHull = null;
        decisions.put("maskedViews", maskHull == null ? 0 : maskHull.views());
        progress.onProgress(Progress.of(STAGE, 0.02, Double.NaN, "locating the object"));
        ObjectPlacement placement = opt.crop() == Crop.AUTO ? ObjectLocator.locate(model, cameras, maskHull)
                : ObjectPlacement.notFound("crop=none was asked for");

        progress.onProgress(Progress.of(STAGE, 0.05, Double.NaN, "rendering depth at " + cameras.size() + " cameras"));
        List<DepthMaps.DepthMap> depth = DepthMaps.render(model, cameras, raster, opt.depthMaxSide(), progress::checkCancelled);

        // Masks that take in some of the floor (a shadow, a reflection, masks drawn loosely) leave a skirt of it
        // around the object's foot, in the hull and in training: that floor is the support the object stands on.
        double[] insideMasks = placement.found() && !placement.hasFloor() && maskHull != null
                ? pointsInside(depth, maskHull, placement.uprightFromScene()) : null;
        // -Dforge3d.mesh.floorInsideMasks=false turns the search off, to measure what it does.
        if (insideMasks != null && masksMayHoldFloor && !"false".equals(System.getProperty("forge3d.mesh.floorInsideMasks"))) {
            double[] f = floorInsideMasks(insideMasks);
            if (f != null) {
                placement = placement.onSupport(levelled(placement.uprightFromScene(), f), "floor-inside-masks", f[3], (int) f[5]);
                decisions.put("floorInsideMasksShare", round(f[4]));
            }
        }
        Similarity upright;
        double[][] box = null;
        TsdfVolume fine;
        double floorCut = Double.NEGATIVE_INFINITY;
        if (placement.found() && placement.hasFloor()) {
            double[] floor = floorFromDepth(depth, placement);
            double spread = Double.NaN;
            if (floor != null) {
                placement = placement.withUpright(levelled(placement.uprightFromScene(), floor));
                spread = floor[3];
                decisions.put("floorTiltDeg", round(Math.toDegrees(Math.atan(Math.hypot(floor[0], floor[1])))));
                decisions.put("floorShift", round(floor[2]));
            }
            // Depth maps scatter around a textured support (single views), the fused surface much less: the cut sits
            // just above the fused surface, and support left standing above it is cut off by the component filter.
            floorCut = 3 * placement.floorRms() + (Double.isNaN(spread) ? 0 : 0.5 * spread);
            if (!Double.isNaN(spread)) decisions.put("floorSpread", round(spread));
        }
        if (placement.found()) {
            upright = placement.uprightFromScene();
            progress.onProgress(Progress.of(STAGE, 0.3, Double.NaN, "finding the object's extent"));
            box = coarseObjectBox(placement, depth, floorCut, maskHull, progress);
            if (box == null) {
                placement = ObjectPlacement.notFound("no solid object where the cameras look (the depth maps show "
                        + "nothing standing " + (placement.hasFloor() ? "on the support plane" : "there") + ")");
                floorCut = Double.NEGATIVE_INFINITY;
            } else if (reachesEdge(box, placement)) {
                // What stands there runs into the searched region's walls: the support or the background is joined
                // to it, or the object is larger than the region. Cutting here would deliver a wrong object.
                placement = ObjectPlacement.notFound("the object could not be separated from its surroundings (what "
                        + "stands where the cameras look reaches the edge of the region searched around it)");
                floorCut = Double.NEGATIVE_INFINITY;
            }
        }
        // Without a support (training saw masked photos: no table left), the masks' hull reaches below the object's
        // base, where no photo shows a surface; the object ends at the lowest surface its depth shows inside the masks.
        boolean maskedBase = false;
        if (placement.found() && !placement.hasFloor() && maskHull != null) {
            // the same upright frame as insideMasks': no floor was found in them, so the placement is unchanged
            double base = lowestSurfaceInside(insideMasks);
            if (!Double.isNaN(base)) {
                floorCut = base;
                maskedBase = true;
                decisions.put("base", "the lowest surface the photos show inside the masks");
            }
        }
        if (placement.found()) {
            upright = placement.uprightFromScene();
            double side = Math.max(box[1][0] - box[0][0], Math.max(box[1][1] - box[0][1], box[1][2] - box[0][2]));
            double voxel = side / opt.resolution();
            double[] lo = new double[3], hi = new double[3];
            for (int a = 0; a < 3; a++) { lo[a] = box[0][a] - 4 * voxel; hi[a] = box[1][a] + 4 * voxel; }
            if (placement.hasFloor()) floorCut += 1.5 * voxel;
            if (placement.hasFloor() || maskedBase) lo[1] = Math.min(lo[1], floorCut - 4 * voxel);
            progress.onProgress(Progress.of(STAGE, 0.45, Double.NaN, "fusing depth into the object's volume"));
            fine = fuse(lo, hi, voxel, upright, depth, progress);
            fine.fillInterior(INTERIOR_SHARE);
            if (maskHull != null) decisions.put("maskCarvedVoxels", fine.carveOutside(maskHull));
            fine.close(floorCut);
            box = fine.keepObject(Double.POSITIVE_INFINITY, 0.2);
            if (box == null) throw new IllegalStateException("the fused depth holds no solid object");
            double gap = hullGapVoxels();
            if (gap > 0) {
                progress.onProgress(Progress.of(STAGE, 0.6, Double.NaN, "fitting the surface to the object's silhouettes"));
                decisions.put("hullGapVoxels", gap);
                // The Gaussians' own silhouettes, masks or not: a mask is trusted only to a margin around the object.
                double[] objectLo = lo.clone();
                if (placement.hasFloor() || maskedBase) objectLo[1] = floorCut;
                GaussianModel object = GaussianTransform.cropAndTransform(model, upright, objectLo, hi, Similarity.identity());
                SilhouetteHull hull = object.size() == 0 ? null : SilhouetteHull.render(object,
                        depth.stream().map(DepthMaps.DepthMap::camera).toList(), raster, progress::checkCancelled);
                decisions.put("hullFilledVoxels", hull == null ? 0 : fine.fillHullGaps(hull, floorCut, gap));
            }
            decisions.put("applied", "object");
            decisions.put("up", placement.upSource());
            decisions.put("supportPlane", placement.hasFloor());
            if (placement.hasFloor()) {
                decisions.put("supportPlaneRms", round(placement.floorRms()));
                decisions.put("supportPlaneInliers", placement.floorInliers());
            }
            if (placement.hasFloor() || maskedBase) decisions.put("floorCut", round(floorCut));
        } else {
            decisions.put("applied", "none");
            if (opt.crop() == Crop.AUTO) decisions.put("fallback", placement.reason());
            upright = wholeSceneFrame(model, cameras);
            double[][] bounds = opaqueBounds(model, upright);
            double side = Math.max(bounds[1][0] - bounds[0][0], Math.max(bounds[1][1] - bounds[0][1], bounds[1][2] - bounds[0][2]));
            double voxel = side / opt.resolution();
            progress.onProgress(Progress.of(STAGE, 0.45, Double.NaN, "fusing depth over the whole scene"));
            fine = fuse(bounds[0], bounds[1], voxel, upright, depth, progress);
            if (maskHull != null) decisions.put("maskCarvedVoxels", fine.carveOutside(maskHull));
            box = fine.keepObject(Double.POSITIVE_INFINITY, 0.01);
            if (box == null) throw new IllegalStateException("the fused depth holds no surface");
        }
        double voxel = fine.voxel;
        decisions.put("voxel", round(voxel));
        progress.checkCancelled();
        progress.onProgress(Progress.of(STAGE, 0.7, Double.NaN, "extracting the surface"));
        TriangleMesh surface = MarchingCubes.extract(fine.toGrid(), 0f);
        if (surface.triangleCount() == 0) throw new IllegalStateException("the fused depth holds no surface");
        decisions.put("marchingCubesTriangles", surface.triangleCount());
        if (placement.found() && placement.hasFloor()) surface = restOnSupport(surface, floorCut, voxel);
        TriangleMesh mesh = MeshDecimator.decimate(surface, opt.maxTriangles());

        progress.onProgress(Progress.of(STAGE, 0.8, Double.NaN, "colouring the mesh from the photos"));
        Similarity sceneFromUpright = upright.inverse();
        float[] scenePts = transform(mesh.positions(), sceneFromUpright, false);
        float[] sceneNormals = transform(mesh.vertexNormals(), sceneFromUpright, true);
        List<PhotoColours.Source> sources = new ArrayList<>();
        // -Dforge3d.mesh.colourFromCoveredPixels=false colours from every pixel, inside the masks or not (to measure it)
        boolean coveredOnly = !"false".equals(System.getProperty("forge3d.mesh.colourFromCoveredPixels"));
        for (int i = 0; i < views.size(); i++) {
            float[] coverage = coveredOnly && !masks.isEmpty() ? masks.get(i) : null;
            sources.add(new PhotoColours.Source(cameras.get(i), views.get(i).image(), depth.get(i), coverage));
        }
        float[] display = PhotoColours.sample(scenePts, sceneNormals, sources, 2 * voxel, new float[] {0.5f, 0.5f, 0.5f});
        float[] linear = new float[display.length];
        for (int i = 0; i < linear.length; i++) linear[i] = Srgb.toLinear(display[i]);

        // Model frame: centred on x and z, resting on y = 0, scaled when the reconstruction's units are arbitrary.
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        float[] p = mesh.positions();
        for (int i = 0; i < p.length; i++) { lo[i % 3] = Math.min(lo[i % 3], p[i]); hi[i % 3] = Math.max(hi[i % 3], p[i]); }
        double height = hi[1] - lo[1];
        double scale = 1;
        if (!Double.isNaN(opt.heightMeters())) scale = opt.heightMeters() / height;
        else if (!opt.keepScale()) scale = 1 / height;
        Similarity modelFromUpright = new Similarity(scale, Similarity.identity().r(),
                new double[] {-scale * 0.5 * (lo[0] + hi[0]), -scale * lo[1], -scale * 0.5 * (lo[2] + hi[2])});
        Similarity modelFromScene = modelFromUpright.after(upright);
        TriangleMesh out = new TriangleMesh(transform(mesh.positions(), modelFromUpright, false), linear, mesh.indices());
        TexturedMesh textured = null;
        if (opt.textureSize() > 0) {
            progress.checkCancelled();
            progress.onProgress(Progress.of(STAGE, 0.9, Double.NaN, "baking a " + opt.textureSize() + "^2 texture from the photos"));
            UvAtlas atlas = UvAtlas.build(out, opt.textureSize());
            textured = TextureBaker.bake(atlas, modelFromScene.inverse(), sources, 2 * voxel);
            decisions.put("textureCharts", atlas.charts());
            decisions.put("texelsPerUnit", round(atlas.texelsPerUnit()));
        }

        double[] keepLo = new double[3], keepHi = new double[3];
        for (int a = 0; a < 3; a++) { keepLo[a] = box[0][a] - 2 * voxel; keepHi[a] = box[1][a] + 2 * voxel; }
        if (!Double.isInfinite(floorCut)) keepLo[1] = floorCut;
        GaussianModel gaussians = placement.found()
                ? GaussianTransform.cropAndTransform(model, upright, keepLo, keepHi, modelFromScene)
                : GaussianTransform.cropAndTransform(model, upright, full(), fullHi(), modelFromScene);

        decisions.put("scale", round(scale));
        decisions.put("scaleSource", !Double.isNaN(opt.heightMeters()) ? "heightMeters"
                : opt.keepScale() ? "supplied poses" : "object height = 1 unit");
        decisions.put("size", new double[] {round(scale * (hi[0] - lo[0])), round(scale * height), round(scale * (hi[2] - lo[2]))});
        decisions.put("gaussiansKept", gaussians.size());
        decisions.put("gaussiansTotal", model.size());
        decisions.put("modelFromScene", roundAll(modelFromScene.matrix()));
        progress.onProgress(Progress.of(STAGE, 1, 0, "mesh of " + out.triangleCount() + " triangles"));
        return new Result(out, textured, gaussians, modelFromScene, decisions);
    }

    /**
     * Moves the flat cap that the cut above the support left (vertices within a voxel of {@code floorCut}) down onto
     * the support plane (y = 0): the object stands on it, so the few millimetres of its side below the cut, which the
     * support's noisy depth made the cut remove, come back as the walls between the cap's rim and the surface above.
     */
    static TriangleMesh restOnSupport(TriangleMesh mesh, double floorCut, double voxel) {
        float[] p = mesh.positions().clone();
        double limit = floorCut + voxel;
        for (int i = 1; i < p.length; i += 3) if (p[i] <= limit) p[i] = 0f;
        return new TriangleMesh(p, mesh.colors(), mesh.indices());
    }

    /**
     * Share of the depth points inside the masks' hull that must lie on one near-level plane at the bottom for it to
     * count as floor. Measured on tune-sweep-white (2026-12-07): ground-truth masks put about 0.6 % of the points in
     * each 1 %-of-height slice near the base (the foot's rim), the estimated masks (with the contact shadow) about 12 %
     * more in the lowest 6 %.
     */
    static final double FLOOR_INSIDE_MASKS_SHARE = 0.04;
    /** ... and at least this share of them must lie outside the footprint of what stands above it. */
    static final double FLOOR_OUTSIDE_SHARE = 0.2;
    /** The floor seen inside the masks is looked for in this bottom share of the object's height. */
    static final double FLOOR_SEARCH_HEIGHT = 0.15;
    /** ... and must be level with the cameras' up within this many degrees. */
    static final double FLOOR_MAX_TILT_DEG = 20;

    /**
     * A near-level plane at the bottom of the points inside the masks' hull ({@link #pointsInside}, upright frame),
     * holding at least {@link #FLOOR_INSIDE_MASKS_SHARE} of them: {@code {a, b, c, rms, share, inliers}} for
     * {@code y = a x + b z + c}, or null when there is none (the object's own foot).
     */
    static double[] floorInsideMasks(double[] xyz) {
        int n = xyz.length / 3;
        if (n < 1000) return null;
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = xyz[3 * i + 1];
        Arrays.sort(ys);
        double base = ys[(int) (0.001 * (n - 1))], top = ys[(int) (0.999 * (n - 1))];
        double slab = FLOOR_SEARCH_HEIGHT * (top - base);
        // RANSAC over the bottom slab: the floor is the plane most of its points lie on, the foot's walls are not.
        int[] low = IntStream.range(0, n).filter(i -> xyz[3 * i + 1] <= base + slab).toArray();
        if (low.length < 100) return null;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        double eps = 0.005 * (top - base), maxSlope = Math.tan(Math.toRadians(FLOOR_MAX_TILT_DEG));
        int step = Math.max(1, low.length / 20_000);
        double[] plane = null;
        int best = 0;
        for (int round = 0; round < 300; round++) {
            int p0 = 3 * low[rnd.nextInt(low.length)], p1 = 3 * low[rnd.nextInt(low.length)], p2 = 3 * low[rnd.nextInt(low.length)];
            double[] ata = {xyz[p0], xyz[p0 + 2], 1, xyz[p1], xyz[p1 + 2], 1, xyz[p2], xyz[p2 + 2], 1};
            double[] abc = Mat3.solve(ata, new double[] {xyz[p0 + 1], xyz[p1 + 1], xyz[p2 + 1]});
            if (abc == null || Math.hypot(abc[0], abc[1]) > maxSlope) continue;
            int in = 0;
            for (int q = 0; q < low.length; q += step) if (Math.abs(residual(xyz, 3 * low[q], abc)) <= eps) in++;
            if (in > best) {
                best = in;
                plane = new double[] {abc[0], abc[1], abc[2], eps};
            }
        }
        for (int round = 0; round < 3 && plane != null; round++) {
            plane = refitLevelPlane(xyz, plane, Math.max(2.5 * plane[3], 1e-6 * (top - base)));
        }
        if (plane == null) return null;
        // A floor reaches out around the object's foot; a level part of the object itself (a mug's inner bottom, a
        // shelf) lies within what stands above it. The footprint: the box of the points above the plane's slab.
        double[] fpLo = {Double.MAX_VALUE, Double.MAX_VALUE}, fpHi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < 3 * n; i += 3) {
            if (residual(xyz, i, plane) <= slab) continue;
            fpLo[0] = Math.min(fpLo[0], xyz[i]); fpHi[0] = Math.max(fpHi[0], xyz[i]);
            fpLo[1] = Math.min(fpLo[1], xyz[i + 2]); fpHi[1] = Math.max(fpHi[1], xyz[i + 2]);
        }
        double grow = 0.02 * (top - base);
        int on = 0, outside = 0;
        for (int i = 0; i < 3 * n; i += 3) {
            if (Math.abs(residual(xyz, i, plane)) > 2.5 * plane[3]) continue;
            on++;
            double x = xyz[i], z = xyz[i + 2];
            if (x < fpLo[0] - grow || x > fpHi[0] + grow || z < fpLo[1] - grow || z > fpHi[1] + grow) outside++;
        }
        double share = (double) on / n;
        double tilt = Math.toDegrees(Math.atan(Math.hypot(plane[0], plane[1])));
        if (share < FLOOR_INSIDE_MASKS_SHARE || tilt > FLOOR_MAX_TILT_DEG || outside < FLOOR_OUTSIDE_SHARE * on) return null;
        return new double[] {plane[0], plane[1], plane[2], plane[3], share, on};
    }

    /** Height of point {@code i} (offset into {@code xyz}) above the plane y = a x + b z + c. */
    private static double residual(double[] xyz, int i, double[] plane) {
        return xyz[i + 1] - (plane[0] * xyz[i] + plane[1] * xyz[i + 2] + plane[2]);
    }

    /**
     * Least squares {@code y = a x + b z + c} over the points ({@code xyz}, upright frame) within {@code limit} of
     * {@code plane}: {@code {a, b, c, sigma}} with sigma the robust scale of those points about the new plane, or null
     * with fewer than 50 of them.
     */
    static double[] refitLevelPlane(double[] xyz, double[] plane, double limit) {
        double[] ata = new double[9], atb = new double[3];
        int n = 0;
        for (int i = 0; i < xyz.length; i += 3) {
            if (Math.abs(residual(xyz, i, plane)) > limit) continue;
            double[] row = {xyz[i], xyz[i + 2], 1};
            for (int a = 0; a < 3; a++) {
                atb[a] += row[a] * xyz[i + 1];
                for (int b = 0; b < 3; b++) ata[3 * a + b] += row[a] * row[b];
            }
            n++;
        }
        if (n < 50) return null;
        double[] abc = Mat3.solve(ata, atb);
        if (abc == null) return null;
        double[] dev = new double[n];
        int m = 0;
        for (int i = 0; i < xyz.length; i += 3) {
            if (Math.abs(residual(xyz, i, plane)) > limit) continue;
            dev[m++] = Math.abs(residual(xyz, i, abc));
        }
        return new double[] {abc[0], abc[1], abc[2], Math.max(1e-9, 1.4826 * ObjectLocator.median(dev))};
    }

    /**
     * The depth maps' surface points inside the masks' hull, upright frame, as x, y, z triples. Each map is read on a
     * grid of at most about 40,000 pixels (every pixel of a 200 px map), so the cost does not grow with the photos'
     * size.
     */
    static double[] pointsInside(List<DepthMaps.DepthMap> depth, SilhouetteHull hull, Similarity upright) {
        double[][] perMap = new double[depth.size()][];
        IntStream.range(0, depth.size()).parallel().forEach(m -> {
            DepthMaps.DepthMap d = depth.get(m);
            var k = d.camera().intrinsics();
            Similarity sceneFromCamera = camToScene(d.camera());
            int stride = Math.max(1, (int) Math.round(Math.sqrt(d.width() * d.height() / 40_000.0)));
            double[] out = new double[3 * (d.width() / stride + 1) * (d.height() / stride + 1)];
            int n = 0;
            for (int y = 0; y < d.height(); y += stride) {
                for (int x = 0; x < d.width(); x += stride) {
                    float z = d.depth()[y * d.width() + x];
                    if (Float.isNaN(z)) continue;
                    double[] p = sceneFromCamera.apply(new double[] {(x + 0.5 - k.cx()) / k.fx() * z, (y + 0.5 - k.cy()) / k.fy() * z, z});
                    if (hull.value(p[0], p[1], p[2]) < 0) continue;
                    double[] u = upright.apply(p);
                    out[n++] = u[0];
                    out[n++] = u[1];
                    out[n++] = u[2];
                }
            }
            perMap[m] = Arrays.copyOf(out, n);
        });
        return Arrays.stream(perMap).flatMapToDouble(Arrays::stream).toArray();
    }

    /**
     * The height (upright frame) below which only 0.1 % of the points inside the masks' hull ({@link #pointsInside})
     * lie: the object's lowest visible surface, robust to a stray pixel. NaN when there are none.
     */
    static double lowestSurfaceInside(double[] xyz) {
        int n = xyz.length / 3;
        if (n == 0) return Double.NaN;
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = xyz[3 * i + 1];
        Arrays.sort(ys);
        return ys[(int) (0.001 * (n - 1))];
    }

    /** A coarse fusion over the search region; the box (upright frame) of the solid object on the camera axis. */
    private static double[][] coarseObjectBox(ObjectPlacement placement, List<DepthMaps.DepthMap> depth, double floorCut,
                                              SilhouetteHull maskHull, ProgressListener progress) {
        double[] lo = placement.searchMin().clone(), hi = placement.searchMax();
        double side = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
        double voxel = side / 80;
        double floor = Double.NEGATIVE_INFINITY;
        if (placement.hasFloor()) {
            floor = floorCut + 1.5 * voxel;
            lo[1] = Math.min(lo[1], floor - 4 * voxel);
        }
        TsdfVolume coarse = fuse(lo, hi, voxel, placement.uprightFromScene(), depth, progress);
        if (maskHull != null) coarse.carveOutside(maskHull);
        coarse.close(floor);
        return coarse.keepObject(0.35 * (hi[0] - lo[0]) / 2, 0.2, 1);
    }

    /** Whether the coarse object box touches the searched region's sides or top (within 2 % of its size). */
    static boolean reachesEdge(double[][] box, ObjectPlacement placement) {
        double[] lo = placement.searchMin(), hi = placement.searchMax();
        double margin = 0.02 * Math.max(hi[0] - lo[0], hi[1] - lo[1]);
        return box[0][0] <= lo[0] + margin || box[1][0] >= hi[0] - margin || box[0][2] <= lo[2] + margin
                || box[1][2] >= hi[2] - margin || box[1][1] >= hi[1] - margin
                || !placement.hasFloor() && box[0][1] <= lo[1] + margin;
    }

    /**
     * The support's surface as the depth maps show it, in the upright frame: a plane {@code y = a x + b z + c}
     * fitted (least squares, trimmed twice at 2.5 robust deviations) to the depth maps' points in a ring around
     * the object (0.6 to 1 search radius) near y = 0. The plane through the Gaussians' centres may sit a little
     * below or tilted from the surface they render. Returns {a, b, c, residual spread}, or null with too few points.
     */
    static double[] floorFromDepth(List<DepthMaps.DepthMap> depth, ObjectPlacement placement) {
        double rMax = placement.searchMax()[0], rMin = 0.6 * rMax, band = 0.1 * rMax;
        Similarity up = placement.uprightFromScene();
        List<double[]> pts = new ArrayList<>();
        for (DepthMaps.DepthMap d : depth) {
            var k = d.camera().intrinsics();
            Similarity sceneFromCamera = camToScene(d.camera());
            int stride = Math.max(1, (int) Math.sqrt(d.width() * d.height() / 4000.0));
            for (int y = 0; y < d.height(); y += stride) {
                for (int x = 0; x < d.width(); x += stride) {
                    float z = d.depth()[y * d.width() + x];
                    if (Float.isNaN(z)) continue;
                    double[] pc = {(x + 0.5 - k.cx()) / k.fx() * z, (y + 0.5 - k.cy()) / k.fy() * z, z};
                    double[] p = up.apply(sceneFromCamera.apply(pc));
                    double r = Math.hypot(p[0], p[2]);
                    if (r >= rMin && r <= rMax && Math.abs(p[1]) <= band) pts.add(p);
                }
            }
        }
        double[] xyz = new double[3 * pts.size()];
        for (int i = 0; i < pts.size(); i++) System.arraycopy(pts.get(i), 0, xyz, 3 * i, 3);
        double[] plane = {0, 0, 0, band};
        for (int round = 0; round < 3 && plane != null; round++) {
            plane = refitLevelPlane(xyz, plane, round == 0 ? band : 2.5 * plane[3]);
        }
        return plane;
    }

    /** The upright frame turned and shifted so that the plane {@code y = a x + b z + c} becomes y = 0. */
    static Similarity levelled(Similarity upright, double[] plane) {
        double[] n = Mat3.normalized(new double[] {-plane[0], 1, -plane[1]});
        // rotation taking n to +Y (Rodrigues about n x Y), then the plane's point on the axis (0, c, 0) to the origin
        double[] axis = Mat3.cross(n, new double[] {0, 1, 0});
        double sin = Mat3.norm(axis), cos = n[1];
        double[] r = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        if (sin > 1e-12) {
            double[] k = Mat3.scaled(axis, 1 / sin);
            double t = 1 - cos;
            r = new double[] {
                t * k[0] * k[0] + cos, t * k[0] * k[1] - sin * k[2], t * k[0] * k[2] + sin * k[1],
                t * k[0] * k[1] + sin * k[2], t * k[1] * k[1] + cos, t * k[1] * k[2] - sin * k[0],
                t * k[0] * k[2] - sin * k[1], t * k[1] * k[2] + sin * k[0], t * k[2] * k[2] + cos};
        }
        Similarity rot = new Similarity(1, r, new double[3]);
        double[] p0 = rot.apply(new double[] {0, plane[2], 0});
        return new Similarity(1, r, new double[] {-p0[0], -p0[1], -p0[2]}).after(upright);
    }

    private static Similarity camToScene(Camera c) {
        double[] r = c.pose().r();
        double[] rt = {r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]};
        return new Similarity(1, rt, c.pose().centre());
    }

    private static TsdfVolume fuse(double[] lo, double[] hi, double voxel, Similarity upright, List<DepthMaps.DepthMap> depth,
                                   ProgressListener progress) {
        TsdfVolume v = new TsdfVolume(lo, hi, voxel, 4 * voxel, upright.inverse());
        for (DepthMaps.DepthMap d : depth) {
            progress.checkCancelled();
            v.integrate(d);
        }
        return v;
    }

    /** Without an object: up from the cameras when they agree on it, else the reconstruction's own axes. */
    private static Similarity wholeSceneFrame(GaussianModel model, List<Camera> cameras) {
        double[] up = new double[3];
        for (Camera c : cameras) for (int k = 0; k < 3; k++) up[k] -= c.pose().r()[3 + k];
        if (Mat3.norm(up) < 0.5 * cameras.size()) return Similarity.identity();
        up = Mat3.normalized(up);
        double[] fwd = Math.abs(up[2]) < 0.9 ? new double[] {0, 0, 1} : new double[] {1, 0, 0};
        fwd = Mat3.normalized(Mat3.sub(fwd, Mat3.scaled(up, Mat3.dot(fwd, up))));
        return Similarity.rotationToAxes(Mat3.cross(up, fwd), up, fwd);
    }

    /** The 1st..99th percentile box of the opaque Gaussians' centres in the given frame. */
    private static double[][] opaqueBounds(GaussianModel model, Similarity frame) {
        float[] pos = model.positions(), logit = model.opacityLogits();
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            if (logit[i] < -2.2) continue; // opacity < 0.1
            pts.add(frame.apply(new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]}));
        }
        if (pts.size() < 8) throw new IllegalStateException("the model has no opaque Gaussians to mesh");
        double[][] box = new double[2][3];
        for (int a = 0; a < 3; a++) {
            final int axis = a;
            double[] v = pts.stream().mapToDouble(q -> q[axis]).sorted().toArray();
            box[0][a] = v[(int) Math.floor(0.01 * (v.length - 1))];
            box[1][a] = v[(int) Math.ceil(0.99 * (v.length - 1))];
        }
        return box;
    }

    private static double[] full() { return new double[] {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE}; }

    private static double[] fullHi() { return new double[] {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}; }

    static float[] transform(float[] xyz, Similarity s, boolean direction) {
        float[] out = new float[xyz.length];
        for (int i = 0; i < xyz.length; i += 3) {
            double[] p = {xyz[i], xyz[i + 1], xyz[i + 2]};
            double[] q = direction ? s.rotate(p) : s.apply(p);
            out[i] = (float) q[0]; out[i + 1] = (float) q[1]; out[i + 2] = (float) q[2];
        }
        return out;
    }

    private static double round(double v) { return Math.round(v * 1e6) / 1e6; }

    private static double[] roundAll(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = round(v[i]);
        return out;
    }
}
