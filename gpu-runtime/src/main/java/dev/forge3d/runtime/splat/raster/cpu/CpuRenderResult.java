package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RenderResult;

/** A CPU render: the output images plus the per-pixel state the backward pass reads. */
final class CpuRenderResult implements RenderResult {
    private final Camera camera;
    private final GaussianModel model;
    final ViewParams view;
    final TileBlender.Frame frame;
    private final int[] radii;
    final long generation;
    private final int visible;
    private final int instances;

    CpuRenderResult(Camera camera, GaussianModel model, ViewParams view, TileBlender.Frame frame, int[] radii, long generation, int visible, int instances) {
        this.camera = camera;
        this.model = model;
        this.view = view;
        this.frame = frame;
        this.radii = radii;
        this.generation = generation;
        this.visible = visible;
        this.instances = instances;
    }

    @Override public Camera camera() { return camera; }
    @Override public GaussianModel model() { return model; }
    @Override public int width() { return frame.width; }
    @Override public int height() { return frame.height; }
    @Override public float[] rgb() { return frame.rgb; }
    @Override public float[] alpha() { return frame.alpha; }
    @Override public float[] depth() { return frame.depth; }
    @Override public int[] radii() { return radii; }

    /** Gaussians that survived culling. */
    public int visible() { return visible; }

    /** (Gaussian, tile) pairs blended. */
    public int instances() { return instances; }
}
