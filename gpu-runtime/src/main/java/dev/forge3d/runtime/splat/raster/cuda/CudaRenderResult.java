package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RenderResult;

/** A CUDA render: the images copied back to the host; the per-pixel backward state stays on the device. */
final class CudaRenderResult implements RenderResult {
    private final Camera camera;
    private final GaussianModel model;
    private final int width, height;
    private final float[] rgb, alpha, depth;
    private final int[] radii;
    final long generation;
    final int[] view;
    final int instances;

    CudaRenderResult(Camera camera, GaussianModel model, int width, int height, float[] rgb, float[] alpha, float[] depth,
                     int[] radii, long generation, int[] view, int instances) {
        this.camera = camera;
        this.model = model;
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
        this.depth = depth;
        this.radii = radii;
        this.generation = generation;
        this.view = view;
        this.instances = instances;
    }

    @Override public Camera camera() { return camera; }
    @Override public GaussianModel model() { return model; }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public float[] rgb() { return rgb; }
    @Override public float[] alpha() { return alpha; }
    @Override public float[] depth() { return depth; }
    @Override public int[] radii() { return radii; }

    /** (Gaussian, tile) pairs blended. */
    public int instances() { return instances; }
}
