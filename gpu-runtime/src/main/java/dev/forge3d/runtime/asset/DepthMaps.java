package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Depth maps rendered from the trained Gaussians, one per camera: the depth where the ray's opacity field reaches 1/2
 * ({@link RasterSettings#surfaceDepth}; the expected depth {@code sum w z / alpha} of the Gaussians' centres with
 * {@code -Dforge3d.mesh.surfaceDepth=false}) where
 * the render is nearly opaque, NaN elsewhere and at depth discontinuities, where the expected depth of a pixel mixes
 * a foreground and a background surface and would carve free space through the object.
 */
public final class DepthMaps {

    /** Pixels whose accumulated opacity is lower carry no depth. */
    static final float MIN_ALPHA = 0.5f;
    /** A pixel is dropped when a 4-neighbour's depth differs by more than this fraction of its own. */
    static final float MAX_RELATIVE_STEP = 0.02f;

    /** One camera's depth map (row-major, camera-space z). */
    public record DepthMap(Camera camera, float[] depth) {
        public int width() { return camera.width(); }

        public int height() { return camera.height(); }

        /** Depth at the pixel holding image point (u, v) in this map's pixels, NaN when none. */
        public float at(double u, double v) {
            int x = (int) Math.floor(u), y = (int) Math.floor(v);
            if (x < 0 || y < 0 || x >= width() || y >= height()) return Float.NaN;
            return depth[y * width() + x];
        }
    }

    private DepthMaps() { }

    /** Renders every camera at most {@code maxSide} pixels on its longest side. */
    public static List<DepthMap> render(GaussianModel model, List<Camera> cameras, Rasterizer raster, int maxSide,
                                        Runnable checkCancelled) {
        if (!SURFACE) return render(model, cameras, raster, RasterSettings.black(), maxSide, checkCancelled);
        if (raster.supportsSurfaceDepth()) return render(model, cameras, raster, RasterSettings.black().withSurfaceDepth(), maxSide, checkCancelled);
        // a backend without surface depth (CUDA): the CPU renders the depth maps (one pass over the cameras, a small
        // part of a job next to its training)
        try (Rasterizer cpu = new CpuRasterizer()) {
            return render(model, cameras, cpu, RasterSettings.black().withSurfaceDepth(), maxSide, checkCancelled);
        }
    }

    /**
     * Depth where the ray's opacity field reaches 1/2 ({@link RasterSettings#surfaceDepth}) rather than the expected
     * depth of the Gaussians' centres. {@code -Dforge3d.mesh.surfaceDepth=false} renders the expected depth, to measure it.
     */
    static final boolean SURFACE = !"false".equals(System.getProperty("forge3d.mesh.surfaceDepth"));

    private static List<DepthMap> render(GaussianModel model, List<Camera> cameras, Rasterizer raster, RasterSettings settings,
                                         int maxSide, Runnable checkCancelled) {
        List<DepthMap> out = new ArrayList<>();
        for (Camera full : cameras) {
            checkCancelled.run();
            double factor = Math.max(1.0, Math.max(full.width(), full.height()) / (double) maxSide);
            Camera cam = factor > 1 ? full.downscaled(factor) : full;
            RenderResult r = raster.forward(model, cam, settings);
            float[] alpha = r.alpha(), acc = r.depth();
            int w = cam.width(), h = cam.height();
            float[] d = new float[w * h];
            for (int i = 0; i < d.length; i++) {
                d[i] = alpha[i] < MIN_ALPHA ? Float.NaN : settings.surfaceDepth() ? acc[i] : acc[i] / alpha[i];
            }
            out.add(new DepthMap(cam, dropDiscontinuities(d, w, h)));
            String dump = System.getProperty(DUMP_PROPERTY);
            if (dump != null) {
                float[] weighted = acc;
                if (settings.surfaceDepth()) { // the dump's format holds alpha-weighted depth
                    weighted = new float[acc.length];
                    for (int i = 0; i < acc.length; i++) weighted[i] = Float.isNaN(acc[i]) ? 0f : acc[i] * alpha[i];
                }
                dump(java.nio.file.Path.of(dump, full.name() + ".f32"), cam, alpha, weighted);
            }
        }
        return out;
    }

    /**
     * A profiling aid, off unless the JVM runs with {@code -Dforge3d.mesh.dumpDepth=DIR}: every rendered depth map as
     * {@code DIR/<camera>.f32}, read by {@code scripts/eval/depth_breakdown.py} to measure it against the ground truth.
     */
    public static final String DUMP_PROPERTY = "forge3d.mesh.dumpDepth";

    /** Little-endian floats: w, h, fx, fy, cx, cy, world-to-camera r[9] and t[3], then per pixel alpha and sum w z. */
    private static void dump(java.nio.file.Path file, Camera cam, float[] alpha, float[] acc) {
        int w = cam.width(), h = cam.height();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (18 + 2 * w * h)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        var k = cam.intrinsics();
        b.putFloat(w).putFloat(h).putFloat((float) k.fx()).putFloat((float) k.fy()).putFloat((float) k.cx()).putFloat((float) k.cy());
        for (double v : cam.pose().r()) b.putFloat((float) v);
        for (double v : cam.pose().t()) b.putFloat((float) v);
        for (int i = 0; i < w * h; i++) b.putFloat(alpha[i]).putFloat(acc[i]);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, b.array());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static float[] dropDiscontinuities(float[] d, int w, int h) {
        float[] out = d.clone();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float z = d[y * w + x];
                if (Float.isNaN(z)) continue;
                float tol = MAX_RELATIVE_STEP * z;
                if (x > 0 && !(Math.abs(d[y * w + x - 1] - z) <= tol)
                        || x + 1 < w && !(Math.abs(d[y * w + x + 1] - z) <= tol)
                        || y > 0 && !(Math.abs(d[(y - 1) * w + x] - z) <= tol)
                        || y + 1 < h && !(Math.abs(d[(y + 1) * w + x] - z) <= tol)) {
                    out[y * w + x] = Float.NaN;
                }
            }
        }
        return out;
    }
}
