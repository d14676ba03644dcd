package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.splat.GaussianModel;

/**
 * A rendered view and whatever its backend needs for the backward pass. Valid for {@link Rasterizer#backward}
 * until the same rasterizer's next {@code forward}, and only while the model's parameters are unchanged.
 */
public interface RenderResult {

    Camera camera();

    GaussianModel model();

    int width();

    int height();

    /** Planar RGB: background included, not clamped. */
    float[] rgb();

    /** Accumulated opacity per pixel, {@code 1 - T_final}. */
    float[] alpha();

    /**
     * Alpha-weighted camera-space depth per pixel, {@code sum w_i z_i} (divide by alpha for the expected surface depth);
     * with {@link RasterSettings#surfaceDepth}, the surface depth itself (NaN where the ray's opacity stays under 1/2).
     */
    float[] depth();

    /** Per Gaussian: screen radius in pixels of its 3-sigma footprint, 0 when culled (size() entries). */
    int[] radii();

    default RgbImage image() { return new RgbImage(width(), height(), rgb()); }
}
