package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.OrbitCamera;
import dev.forge3d.runtime.sds.ViewSampler;
import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import dev.forge3d.runtime.sds.shapes.ShapeGaussians;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.Random;

/**
 * The built-in prior's training set, rendered in memory by the project's own rasterizer: every shape in every
 * colour, each at {@code perPair} random sizes (0.6..1.0), yaws, tilts (-20..20 degrees) and orbit views
 * ({@link ViewSampler}), on the backgrounds of a {@link BackgroundPolicy}. Images are planar RGB in [-1, 1].
 */
public final class ShapeRenderDataset {

    /** Gaussians per rendered shape: enough for an opaque surface at 32..64 pixels. */
    static final int GAUSSIANS = 1500;

    private final int size, count;
    private final float[] images;
    private final int[] shape, colour, suffix;

    private ShapeRenderDataset(int size, int count) {
        this.size = size;
        this.count = count;
        images = new float[count * 3 * size * size];
        shape = new int[count];
        colour = new int[count];
        suffix = new int[count];
    }

    public static ShapeRenderDataset render(int size, int perPair, long seed, BackgroundPolicy background, int threads, ProgressListener listener) {
        Shape[] shapes = Shape.values();
        NamedColour[] colours = NamedColour.values();
        int n = shapes.length * colours.length * perPair;
        ShapeRenderDataset d = new ShapeRenderDataset(size, n);
        Random rnd = new Random(seed);
        int per = 3 * size * size;
        try (CpuRasterizer raster = new CpuRasterizer(threads)) {
            int i = 0;
            for (int k = 0; k < perPair; k++) {
                for (int s = 0; s < shapes.length; s++) {
                    for (int c = 0; c < colours.length; c++, i++) {
                        double scale = 0.6 + 0.4 * rnd.nextDouble(), yaw = 360 * rnd.nextDouble(), tilt = -20 + 40 * rnd.nextDouble();
                        GaussianModel m = ShapeGaussians.build(shapes[s], colours[c], scale, yaw, tilt, GAUSSIANS, rnd.nextLong());
                        OrbitCamera view = ViewSampler.sample(rnd);
                        RenderResult r = raster.forward(m, view.camera("v", size, size), background.sample(rnd));
                        float[] rgb = r.rgb();
                        for (int p = 0; p < per; p++) d.images[i * per + p] = 2 * Math.clamp(rgb[p], 0f, 1f) - 1;
                        d.shape[i] = s;
                        d.colour[i] = c;
                        d.suffix[i] = Captions.suffixIndex(view.viewSuffix());
                    }
                }
                listener.checkCancelled();
                listener.onProgress(Progress.of("render-dataset", (k + 1.0) / perPair, Double.NaN, (i) + " images"));
            }
        }
        return d;
    }

    public int size() { return size; }

    public int count() { return count; }

    public float[] images() { return images; }

    public int shape(int i) { return shape[i]; }

    public int colour(int i) { return colour[i]; }

    public int suffix(int i) { return suffix[i]; }
}
