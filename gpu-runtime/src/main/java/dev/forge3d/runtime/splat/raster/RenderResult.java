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

    /** Alpha-weighted camera-space depth per pixel, {@code sum w_i z_i} (divide by alpha for the expected surface depth). */
    float[] depth();

    /**
     * Median depth per pixel: the depth of the Gaussian at which the transmittance falls to 1/2 (the surface a ray
     * meets first, as 2DGS and RaDe-GS take it), 0 where it never does. Null unless the render was asked for it
     * ({@link RasterSettings#surfaceDepth()}) and the backend computes it.
     */
    default float[] medianDepth() { return null; }

    /** Alpha-weighted squared depth per pixel, {@code sum w_i z_i^2} (with {@link #depth()} the spread of depth along the ray); null as {@link #medianDepth()}. */
    default float[] depthSquared() { return null; }

    /** Per Gaussian: screen radius in pixels of its 3-sigma footprint, 0 when culled (size() entries). */
    int[] radii();

    default RgbImage image() { return new RgbImage(width(), height(), rgb()); }
}
