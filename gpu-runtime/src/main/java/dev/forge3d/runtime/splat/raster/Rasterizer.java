package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;

/**
 * A differentiable Gaussian splat rasterizer (EWA projection, tile binning, front-to-back alpha compositing with the
 * constants of {@link RasterConstants}). The loss stays outside: {@link #backward} takes any image gradient.
 * Implementations: the multi-threaded CPU reference ({@code raster.cpu}) and, later, CUDA.
 */
public interface Rasterizer extends AutoCloseable {

    /** A short backend name, e.g. {@code cpu}. */
    String name();

    /** Whether {@link #forward} honours {@link RasterSettings#surfaceDepth} (else it must be given false). */
    default boolean supportsSurfaceDepth() { return false; }

    /** Renders RGB, alpha and depth of {@code model} seen by {@code camera}. */
    RenderResult forward(GaussianModel model, Camera camera, RasterSettings settings);

    /**
     * Back-propagates {@code dL} (gradient on {@code result}'s images) to every parameter of the model, adding to
     * {@code out} (which must have {@code model.size()} rows), including the 2D-mean gradients.
     */
    void backward(RenderResult result, ImageGradient dL, GaussianGradients out);

    @Override
    default void close() { }
}
