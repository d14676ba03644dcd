package dev.forge3d.runtime.sds.judge;

import dev.forge3d.runtime.sds.OrbitCamera;
import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import dev.forge3d.runtime.sds.shapes.ShapeGaussians;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An independent judge of a generated model's shape and colour that does not use the diffusion prior: it renders
 * the model from novel judge views (elevation 20 and 35 degrees, azimuths 0/90/180/270, none of them at the
 * training views' random positions on purpose), matches the silhouettes against templates of every primitive
 * (sizes, yaws and tilts swept; best mean IoU wins) and names the colour by a per-pixel vote over the named
 * colours after removing shading (each pixel is compared with {@code s * colour} for the best shade {@code s}).
 */
public final class ShapeColourJudge implements AutoCloseable {

    static final int SIZE = 48;
    static final double[] ELEVATIONS = {20, 35};
    static final double[] AZIMUTHS = {0, 90, 180, 270};
    static final double DISTANCE = 3.3, FOV = 45;

    private final CpuRasterizer raster;
    /** [shape][template][view] → mask. */
    private final Map<Shape, List<boolean[][]>> templates = new EnumMap<>(Shape.class);

    public ShapeColourJudge(int threads) {
        raster = new CpuRasterizer(threads);
        long seed = 1;
        for (Shape s : Shape.values()) {
            List<boolean[][]> list = new ArrayList<>();
            for (double size = 0.5; size <= 1.21; size += 0.1) {
                for (double yaw = 0; yaw < 90; yaw += 30) {
                    for (double tilt : new double[] {-20, 0, 20}) {
                        GaussianModel m = ShapeGaussians.build(s, NamedColour.WHITE, size, yaw, tilt, 1500, seed++);
                        list.add(masks(m));
                    }
                }
            }
            templates.put(s, list);
        }
    }

    private List<OrbitCamera> views() {
        List<OrbitCamera> v = new ArrayList<>();
        for (double e : ELEVATIONS) for (double a : AZIMUTHS) v.add(new OrbitCamera(e, a, DISTANCE, FOV));
        return v;
    }

    private boolean[][] masks(GaussianModel m) {
        List<OrbitCamera> v = views();
        boolean[][] out = new boolean[v.size()][];
        for (int i = 0; i < v.size(); i++) {
            RenderResult r = raster.forward(m, v.get(i).camera("judge", SIZE, SIZE), RasterSettings.white());
            float[] a = r.alpha();
            out[i] = new boolean[a.length];
            for (int p = 0; p < a.length; p++) out[i][p] = a[p] > 0.5f;
        }
        return out;
    }

    public Judgement judge(GaussianModel model) {
        List<OrbitCamera> v = views();
        boolean[][] masks = new boolean[v.size()][];
        int[] votes = new int[NamedColour.values().length];
        int[][] viewVotes = new int[v.size()][NamedColour.values().length];
        double[] sum = new double[3];
        int fg = 0;
        for (int i = 0; i < v.size(); i++) {
            RenderResult r = raster.forward(model, v.get(i).camera("judge", SIZE, SIZE), RasterSettings.white());
            float[] a = r.alpha(), rgb = r.rgb();
            int n = a.length;
            masks[i] = new boolean[n];
            for (int p = 0; p < n; p++) {
                masks[i][p] = a[p] > 0.5f;
                if (a[p] < 0.9f) continue;  // colour only from solid pixels, where the white background does not mix in
                float[] px = {rgb[p] / a[p] - (1 - a[p]) / a[p], rgb[n + p] / a[p] - (1 - a[p]) / a[p], rgb[2 * n + p] / a[p] - (1 - a[p]) / a[p]};
                NamedColour c = nearestShaded(px);
                votes[c.ordinal()]++;
                viewVotes[i][c.ordinal()]++;
                for (int k = 0; k < 3; k++) sum[k] += px[k];
                fg++;
            }
        }
        Map<Shape, Double> scores = new EnumMap<>(Shape.class);
        Shape best = null;
        for (Shape s : Shape.values()) {
            double sc = 0;
            for (boolean[][] t : templates.get(s)) sc = Math.max(sc, meanIou(t, masks, 0, masks.length));
            scores.put(s, sc);
            if (best == null || sc > scores.get(best)) best = s;
        }
        int nAz = AZIMUTHS.length;
        List<Shape> viewShapes = new ArrayList<>();
        List<NamedColour> viewColours = new ArrayList<>();
        for (int a = 0; a < nAz; a++) {
            // one azimuth, both elevations
            Shape bs = null;
            double bsc = -1;
            for (Shape s : Shape.values()) {
                for (boolean[][] t : templates.get(s)) {
                    double sc = (iou(t[a], masks[a]) + iou(t[nAz + a], masks[nAz + a])) / 2;
                    if (sc > bsc) { bsc = sc; bs = s; }
                }
            }
            viewShapes.add(bs);
            int[] vv = new int[votes.length];
            for (int k = 0; k < votes.length; k++) vv[k] = viewVotes[a][k] + viewVotes[nAz + a][k];
            viewColours.add(argmax(vv) < 0 ? null : NamedColour.values()[argmax(vv)]);
        }
        boolean janusFree = true;
        for (int a = 0; a < nAz / 2; a++) {
            janusFree &= viewShapes.get(a) == viewShapes.get(a + nAz / 2) && viewColours.get(a) == viewColours.get(a + nAz / 2);
        }
        int top = argmax(votes);
        NamedColour colour = top < 0 ? null : NamedColour.values()[top];
        float[] mean = fg == 0 ? new float[3] : new float[] {(float) (sum[0] / fg), (float) (sum[1] / fg), (float) (sum[2] / fg)};
        return new Judgement(best, scores, colour, fg == 0 ? 0 : (double) votes[top] / fg, mean, viewShapes, viewColours, janusFree);
    }

    /** The named colour c and shade s in [0.3, 1.1] with s * c closest to the pixel. */
    static NamedColour nearestShaded(float[] px) {
        NamedColour best = null;
        double bestErr = Double.MAX_VALUE;
        for (NamedColour c : NamedColour.values()) {
            double cc = c.r * c.r + c.g * c.g + c.b * c.b;
            double s = Math.clamp((px[0] * c.r + px[1] * c.g + px[2] * c.b) / cc, 0.3, 1.1);
            double dr = px[0] - s * c.r, dg = px[1] - s * c.g, db = px[2] - s * c.b;
            double err = dr * dr + dg * dg + db * db;
            if (err < bestErr) { bestErr = err; best = c; }
        }
        return best;
    }

    private static int argmax(int[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) if (v[i] > 0 && (best < 0 || v[i] > v[best])) best = i;
        return best;
    }

    private static double meanIou(boolean[][] a, boolean[][] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += iou(a[i], b[i]);
        return s / (to - from);
    }

    static double iou(boolean[] a, boolean[] b) {
        int inter = 0, union = 0;
        for (int p = 0; p < a.length; p++) {
            if (a[p] && b[p]) inter++;
            if (a[p] || b[p]) union++;
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    @Override
    public void close() {
        raster.close();
    }
}
