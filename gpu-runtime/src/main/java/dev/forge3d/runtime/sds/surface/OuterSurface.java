package dev.forge3d.runtime.sds.surface;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.mesh.GaussianDensityGrid;
import dev.forge3d.runtime.mesh.MarchingCubes;
import dev.forge3d.runtime.mesh.MeshDecimator;
import dev.forge3d.runtime.mesh.ScalarGrid;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.OrbitCamera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One clean outer surface for SDS-made Gaussians, the shape that the renders show rather than the iso-surface of the
 * summed density: SDS leaves many faint, overlapping Gaussians whose density never reaches a fixed level where the
 * render is already opaque (flattened, notched meshes) and exceeds it inside (interior shells) and in stray wisps
 * (hairs, floaters).
 *
 * <ol>
 *   <li>The Gaussians are rendered from {@link Options#views} orbit views spread evenly over the sphere (a Fibonacci
 *       lattice, elevations within ±80 degrees), on black, giving each pixel's accumulated opacity and colour. For a
 *       prior that only saw a white backdrop ({@link BackgroundPolicy#WHITE}) a pixel counts only as far as it
 *       differs from white: SDS leaves near-white Gaussians wherever the prior expects backdrop (seen filling a
 *       torus's hole and floating above it, opaque but invisible on white), and the prior never judged them.</li>
 *   <li>Each sample of a cubic grid around the object takes the {@link #SEE_THROUGH_VIEWS}-th smallest such opacity it
 *       projects to over all views (outside a view's image counts as 0): the visual hull as a field, so marching
 *       cubes at {@link Options#alphaLevel} gives a smooth surface. A hair or a floater survives only where nearly
 *       every view sees something; a hole that a few views look through (a torus's) stays open, while one pale
 *       highlight in one view does not cut a tunnel through the object.</li>
 *   <li>The solid ({@code field >= level}) keeps only its largest 6-connected piece (floaters go) and its cavities
 *       are filled (no interior shells), then marching cubes and quadric vertex-clustering decimation to
 *       {@link Options#maxTriangles}.</li>
 *   <li>Vertex colours: the Gaussians' density-weighted colour field at the vertex ({@link GaussianDensityGrid}, as
 *       the density iso-surface export colours its vertices; linear, as glTF's {@code COLOR_0} wants), not the
 *       renders' colours: SDS bakes shading into the Gaussians and the visible ones are the darker ones (on the
 *       eighth and ninth blind suites' Gaussians the views' colours named 9 of 16 colours right, the density field
 *       13).</li>
 * </ol>
 */
public final class OuterSurface {

    /**
     * @param views        orbit views rendered for the hull
     * @param imageSize    their width and height in pixels
     * @param resolution   grid samples per axis
     * @param alphaLevel   accumulated opacity at which a view counts a pixel as object
     * @param maxTriangles triangle budget after decimation
     */
    public record Options(int views, int imageSize, int resolution, float alphaLevel, int maxTriangles) {
        public Options {
            if (views < 6 || imageSize < 16 || resolution < 8 || alphaLevel <= 0 || alphaLevel >= 1 || maxTriangles < 100) {
                throw new IllegalArgumentException("outer surface options out of range: " + views + " views, " + imageSize + " px, "
                        + resolution + " samples, level " + alphaLevel + ", " + maxTriangles + " triangles");
            }
        }

        /** What text-to-3d exports with. */
        public static Options defaults() { return new Options(48, 128, 96, 0.5f, 20_000); }
    }

    /**
     * The mesh and what the cleaning removed (figures for {@code metrics.json}); {@code whiteContrast}: whether the
     * hull counted pixels by their contrast to a white backdrop (false: plain opacity, for other backdrops and for
     * pale objects).
     */
    public record Result(TriangleMesh mesh, int hullPieces, int floaterSamples, int filledCavitySamples, boolean whiteContrast) { }

    /** A sample is empty when at least this many views see (nearly) nothing where it projects. */
    static final int SEE_THROUGH_VIEWS = 3;
    /** Against a white backdrop, a pixel's colour must differ from white by this much (largest channel) to count fully. */
    static final float WHITE_CONTRAST = 0.25f;

    private OuterSurface() { }

    public static Result extract(GaussianModel model, Options opt, BackgroundPolicy backdrop, int threads) {
        if (model.size() == 0) throw new IllegalStateException("no Gaussians to mesh");
        double[] box = bounds(model);
        double size = box[3];
        int res = opt.resolution();
        double spacing = size / (res - 1);
        List<View> views = render(model, cameras(box, opt), backdrop, threads);
        // The grid carries the Gaussians' colour field; its density is replaced by the hull field below, so that
        // marching cubes colours each vertex from the colour field and the decimator averages the merged ones.
        ScalarGrid grid = GaussianDensityGrid.Splats.of(model).sample(new double[] {box[0], box[1], box[2]}, size, res);
        float[] field = grid.values();
        boolean contrast = backdrop == BackgroundPolicy.WHITE;
        float[] hull = hullField(views, box, spacing, res, contrast);
        if (contrast) {
            // A near-white object is itself pale against white: where the contrast hull keeps under half of the plain
            // one, the object (not a backdrop-coloured fill) is pale, and the plain opacity is the better outline.
            float[] plain = hullField(views, box, spacing, res, false);
            if (solidSamples(hull, opt.alphaLevel()) < 0.5 * solidSamples(plain, opt.alphaLevel())) {
                hull = plain;
                contrast = false;
            }
        }
        System.arraycopy(hull, 0, field, 0, field.length);
        SolidCleaner.Cleaned cleaned = SolidCleaner.clean(field, res, opt.alphaLevel());
        TriangleMesh raw = MarchingCubes.extract(grid, opt.alphaLevel());
        if (raw.triangleCount() == 0) {
            throw new IllegalStateException("no surface found: no part of the Gaussians is opaque (accumulated opacity "
                    + opt.alphaLevel() + ") from every view");
        }
        TriangleMesh mesh = MeshDecimator.decimate(raw, opt.maxTriangles());
        return new Result(mesh, cleaned.pieces(), cleaned.removedSamples(), cleaned.filledSamples(), contrast);
    }

    /**
     * Per grid sample, the {@link #SEE_THROUGH_VIEWS}-th smallest opacity it projects to (contrast-weighted or plain);
     * the grid's border is 0, so that the surface closes even where a view's image clipped the object.
     */
    private static float[] hullField(List<View> views, double[] box, double spacing, int res, boolean contrast) {
        float[] field = new float[res * res * res];
        IntStream.range(1, res - 1).parallel().forEach(k -> {
            double[] p = new double[3];
            float[] low = new float[SEE_THROUGH_VIEWS];   // the smallest values, ascending
            for (int j = 1; j < res - 1; j++) for (int i = 1; i < res - 1; i++) {
                p[0] = box[0] + i * spacing; p[1] = box[1] + j * spacing; p[2] = box[2] + k * spacing;
                java.util.Arrays.fill(low, 1);
                for (View v : views) {
                    float a = v.opacityAt(p, contrast);
                    if (a >= low[SEE_THROUGH_VIEWS - 1]) continue;
                    int at = SEE_THROUGH_VIEWS - 1;
                    while (at > 0 && low[at - 1] > a) { low[at] = low[at - 1]; at--; }
                    low[at] = a;
                    if (low[SEE_THROUGH_VIEWS - 1] < 1e-3f) break;
                }
                field[i + res * (j + res * k)] = low[SEE_THROUGH_VIEWS - 1];
            }
        });
        return field;
    }

    private static int solidSamples(float[] field, float level) {
        int n = 0;
        for (float v : field) if (v >= level) n++;
        return n;
    }

    /**
     * One rendered view: camera, accumulated opacity, and the opacity that counts for the hull ({@code alpha}, or
     * against a white backdrop alpha scaled by the colour's contrast to white).
     */
    record View(Camera camera, float[] alpha, float[] opacity) {
        /** Hull opacity at the projection of {@code p}, bilinear; 0 outside the image or behind the camera. */
        float opacityAt(double[] p, boolean contrast) {
            float[] opacity = contrast ? this.opacity : alpha;
            double[] c = camera.pose().apply(p);
            if (c[2] <= 1e-6) return 0;
            var k = camera.intrinsics();
            double u = k.fx() * c[0] / c[2] + k.cx() - 0.5, v = k.fy() * c[1] / c[2] + k.cy() - 0.5;
            int w = camera.width(), h = camera.height();
            if (u < 0 || v < 0 || u > w - 1 || v > h - 1) return 0;
            int x = Math.min((int) u, w - 2), y = Math.min((int) v, h - 2);
            double tx = u - x, ty = v - y;
            int i = y * w + x;
            return (float) ((1 - ty) * ((1 - tx) * opacity[i] + tx * opacity[i + 1]) + ty * ((1 - tx) * opacity[i + w] + tx * opacity[i + w + 1]));
        }
    }

    /**
     * A cube around the Gaussians that carry opacity (centre plus two standard deviations of the widest axis):
     * {min x, min y, min z, edge}.
     */
    static double[] bounds(GaussianModel model) {
        float[] p = model.positions(), s = model.logScales(), o = model.opacityLogits();
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        boolean any = false;
        for (int pass = 0; pass < 2 && !any; pass++) {
            for (int i = 0; i < model.size(); i++) {
                if (pass == 0 && GaussianModel.sigmoid(o[i]) < 0.05f) continue;
                double r = 2 * Math.exp(Math.max(s[3 * i], Math.max(s[3 * i + 1], s[3 * i + 2])));
                for (int a = 0; a < 3; a++) {
                    lo[a] = Math.min(lo[a], p[3 * i + a] - r);
                    hi[a] = Math.max(hi[a], p[3 * i + a] + r);
                }
                any = true;
            }
        }
        double edge = 0;
        for (int a = 0; a < 3; a++) edge = Math.max(edge, hi[a] - lo[a]);
        edge *= 1.06;
        double[] box = new double[4];
        for (int a = 0; a < 3; a++) box[a] = 0.5 * (lo[a] + hi[a]) - 0.5 * edge;
        box[3] = edge;
        return box;
    }

    /** Views on a Fibonacci lattice of directions, far enough and wide enough to see the whole cube. */
    static List<Camera> cameras(double[] box, Options opt) {
        double half = 0.5 * box[3], radius = half * Math.sqrt(3);
        double[] centre = {box[0] + half, box[1] + half, box[2] + half};
        double distance = Math.max(3.3, 2.5 * radius);
        double fov = Math.toDegrees(2 * Math.asin(radius / distance)) * 1.08;
        double golden = Math.PI * (3 - Math.sqrt(5));
        List<Camera> out = new ArrayList<>();
        for (int n = 0; n < opt.views(); n++) {
            double y = 1 - 2 * (n + 0.5) / opt.views();
            double el = Math.toDegrees(Math.asin(Math.max(-Math.sin(Math.toRadians(80)), Math.min(Math.sin(Math.toRadians(80)), y))));
            double az = Math.toDegrees(n * golden) % 360;
            Camera c = new OrbitCamera(el, az, distance, fov).camera("hull-" + n, opt.imageSize(), opt.imageSize());
            out.add(shifted(c, centre));
        }
        return out;
    }

    /** The same camera looking at {@code centre} instead of the origin. */
    private static Camera shifted(Camera c, double[] centre) {
        double[] r = c.pose().rotation(), t = c.pose().translation();
        for (int i = 0; i < 3; i++) t[i] -= r[3 * i] * centre[0] + r[3 * i + 1] * centre[1] + r[3 * i + 2] * centre[2];
        return new Camera(c.name(), c.intrinsics(), new dev.forge3d.runtime.camera.Pose(r, t));
    }

    private static List<View> render(GaussianModel model, List<Camera> cameras, BackgroundPolicy backdrop, int threads) {
        List<View> out = new ArrayList<>();
        try (CpuRasterizer raster = new CpuRasterizer(Math.max(1, threads))) {
            for (Camera cam : cameras) {
                RenderResult r = raster.forward(model, cam, RasterSettings.black());
                float[] alpha = r.alpha().clone(), rgb = r.rgb(), opacity = alpha.clone();
                if (backdrop == BackgroundPolicy.WHITE) {
                    int n = alpha.length;
                    for (int i = 0; i < n; i++) {
                        // on black the render holds alpha * colour: alpha * (1 - colour) is what shows against white
                        float diff = Math.max(alpha[i] - rgb[i], Math.max(alpha[i] - rgb[n + i], alpha[i] - rgb[2 * n + i]));
                        opacity[i] = alpha[i] * Math.min(1, Math.max(0, diff) / Math.max(1e-6f, alpha[i]) / WHITE_CONTRAST);
                    }
                }
                out.add(new View(cam, alpha, opacity));
            }
        }
        return out;
    }}
