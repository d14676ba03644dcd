package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The object's visual hull, as its own Gaussians draw it (the Gaussians inside the object's box rendered alone from
 * every camera) or as the photos' object masks draw it: a point is inside the hull when every view that sees it puts
 * it where the object's coverage (accumulated opacity or mask) is at least 1/2. Training fits each photo's silhouette
 * edge to the pixel, whereas the depth a splat renders can sit millimetres inside the surface (where its Gaussians lie
 * inside the object, as on tune-vase): the hull is the sharper bound where a silhouette shows the surface.
 */
final class SilhouetteHull {

    /** One camera's opacity map of the object alone (row-major). */
    record AlphaMap(Camera camera, float[] alpha) { }

    private final List<AlphaMap> maps;

    SilhouetteHull(List<AlphaMap> maps) { this.maps = List.copyOf(maps); }

    /**
     * The hull of the photos' object masks: coverage in [0, 1] per pixel of each view's camera, row-major; views
     * without a mask (null) do not constrain the hull.
     */
    static SilhouetteHull ofMasks(List<Camera> cameras, List<float[]> masks) {
        List<AlphaMap> maps = new ArrayList<>();
        for (int v = 0; v < cameras.size(); v++) {
            float[] m = masks.get(v);
            if (m == null) continue;
            Camera c = cameras.get(v);
            if (m.length != c.width() * c.height()) {
                throw new IllegalArgumentException("the mask of " + c.name() + " has " + m.length + " pixels, its camera "
                        + c.width() + "x" + c.height());
            }
            maps.add(new AlphaMap(c, m));
        }
        return new SilhouetteHull(maps);
    }

    int views() { return maps.size(); }

    /** Renders {@code object} (the cropped Gaussians, scene frame) at every camera. */
    static SilhouetteHull render(GaussianModel object, List<Camera> cameras, Rasterizer raster, Runnable checkCancelled) {
        List<AlphaMap> maps = new ArrayList<>();
        RasterSettings settings = RasterSettings.black();
        for (Camera c : cameras) {
            checkCancelled.run();
            maps.add(new AlphaMap(c, raster.forward(object, c, settings).alpha().clone()));
            String dump = System.getProperty(DUMP_PROPERTY);
            if (dump != null) dump(java.nio.file.Path.of(dump, c.name() + ".pgm"), maps.getLast());
        }
        return new SilhouetteHull(maps);
    }

    /**
     * A profiling aid, off unless the JVM runs with {@code -Dforge3d.mesh.dumpHull=DIR}: every opacity map as an 8-bit
     * {@code DIR/<camera>.pgm}, to compare with the ground truth's object masks.
     */
    static final String DUMP_PROPERTY = "forge3d.mesh.dumpHull";

    private static void dump(java.nio.file.Path file, AlphaMap m) {
        int w = m.camera().width(), h = m.camera().height();
        byte[] header = ("P5\n" + w + " " + h + "\n255\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(header, header.length + w * h);
        for (int i = 0; i < w * h; i++) out[header.length + i] = (byte) Math.round(255 * Math.max(0, Math.min(1, m.alpha()[i])));
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {@code 2 * (a - 1/2)} for the smallest opacity {@code a} (bilinear) any view that sees the scene point has at its
     * projection: positive inside the hull, negative outside, 0 on its surface. +1 when no view sees the point.
     */
    double value(double x, double y, double z) {
        double lowest = 1;
        double[] uv = new double[2];
        for (AlphaMap m : maps) {
            if (!project(m.camera(), x, y, z, uv)) continue;
            // pixel (i, j) covers [i, i + 1) x [j, j + 1): its centre is at (i + 1/2, j + 1/2)
            double u = uv[0] - 0.5, v = uv[1] - 0.5;
            int w = m.camera().width(), h = m.camera().height();
            if (u < 0 || v < 0 || u > w - 1 || v > h - 1) continue;
            int x0 = Math.min((int) u, w - 2), y0 = Math.min((int) v, h - 2);
            double fx = u - x0, fy = v - y0;
            float[] a = m.alpha();
            double s = (1 - fy) * ((1 - fx) * a[y0 * w + x0] + fx * a[y0 * w + x0 + 1])
                    + fy * ((1 - fx) * a[(y0 + 1) * w + x0] + fx * a[(y0 + 1) * w + x0 + 1]);
            if (s < lowest) lowest = s;
        }
        return 2 * (lowest - 0.5);
    }

    /** Per view, the pixels onto which at least one of the scene points (xyz triples) projects. */
    boolean[][] coverage(float[] points) {
        boolean[][] out = new boolean[maps.size()][];
        java.util.stream.IntStream.range(0, maps.size()).parallel().forEach(v -> {
            Camera c = maps.get(v).camera();
            int w = c.width(), h = c.height();
            boolean[] hit = new boolean[w * h];
            for (int i = 0; i < points.length; i += 3) {
                int px = pixel(c, points[i], points[i + 1], points[i + 2]);
                if (px >= 0) hit[px] = true;
            }
            out[v] = hit;
        });
        return out;
    }

    /**
     * Whether some view sees the scene point at a pixel that none of the points behind {@code coverage} reached: the
     * point is needed there to explain the object's silhouette.
     */
    boolean uncovered(double x, double y, double z, boolean[][] coverage) {
        for (int v = 0; v < maps.size(); v++) {
            int px = pixel(maps.get(v).camera(), x, y, z);
            if (px >= 0 && !coverage[v][px]) return true;
        }
        return false;
    }

    /** Row-major index of the pixel holding the scene point's projection, -1 when behind the camera or off the image. */
    private static int pixel(Camera c, double x, double y, double z) {
        double[] uv = new double[2];
        if (!project(c, x, y, z, uv)) return -1;
        if (!(uv[0] >= 0 && uv[1] >= 0 && uv[0] < c.width() && uv[1] < c.height())) return -1;
        return (int) uv[1] * c.width() + (int) uv[0];
    }

    /** The scene point's image coordinates (pixel corners at integers) in {@code uv}; false when behind the camera. */
    private static boolean project(Camera c, double x, double y, double z, double[] uv) {
        double[] r = c.pose().r(), t = c.pose().t();
        double cz = r[6] * x + r[7] * y + r[8] * z + t[2];
        if (cz <= 1e-9) return false;
        var k = c.intrinsics();
        uv[0] = k.fx() * (r[0] * x + r[1] * y + r[2] * z + t[0]) / cz + k.cx();
        uv[1] = k.fy() * (r[3] * x + r[4] * y + r[5] * z + t[1]) / cz + k.cy();
        return true;
    }
}
