package dev.forge3d.runtime.splat.raster;

/**
 * Per-render settings.
 *
 * @param background   RGB composited behind the Gaussians (white for NeRF-synthetic)
 * @param surfaceDepth also render the per-pixel surface statistics of {@link RenderResult#medianDepth()} and
 *                     {@link RenderResult#depthSquared()} (meshing; training leaves it off, it costs a little per pixel)
 */
public record RasterSettings(float[] background, boolean surfaceDepth) {

    public RasterSettings {
        if (background == null || background.length != 3) throw new IllegalArgumentException("background must be RGB");
        background = background.clone();
    }

    public RasterSettings(float[] background) { this(background, false); }

    public static RasterSettings white() { return new RasterSettings(new float[] {1, 1, 1}); }

    public static RasterSettings black() { return new RasterSettings(new float[] {0, 0, 0}); }

    public RasterSettings withSurfaceDepth() { return new RasterSettings(background, true); }
}
