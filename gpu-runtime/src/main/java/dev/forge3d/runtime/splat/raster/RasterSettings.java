package dev.forge3d.runtime.splat.raster;

/**
 * Per-render settings.
 *
 * @param background   RGB composited behind the Gaussians (white for NeRF-synthetic)
 * @param surfaceDepth the depth channel holds, per pixel, the depth at which the ray's opacity reaches 1/2 when each
 *                     Gaussian's opacity rises along the ray up to its density peak (the opacity field of Gaussian
 *                     Opacity Fields, Yu et al. 2024), NaN where it never does, instead of the alpha-weighted sum of
 *                     the Gaussians' centre depths. It puts the surface at the front of the Gaussians that make it,
 *                     where a centre sits up to a few standard deviations inside. For depth maps (meshing) only:
 *                     renders with it have no backward pass.
 */
public record RasterSettings(float[] background, boolean surfaceDepth) {

    public RasterSettings {
        if (background == null || background.length != 3) throw new IllegalArgumentException("background must be RGB");
        background = background.clone();
    }

    public RasterSettings(float[] background) { this(background, false); }

    public static RasterSettings white() { return new RasterSettings(new float[] {1, 1, 1}); }

    public static RasterSettings black() { return new RasterSettings(new float[] {0, 0, 0}); }

    /** The same background with {@link #surfaceDepth} on. */
    public RasterSettings withSurfaceDepth() { return new RasterSettings(background, true); }
}
