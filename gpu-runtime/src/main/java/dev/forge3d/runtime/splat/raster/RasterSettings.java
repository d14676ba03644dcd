package dev.forge3d.runtime.splat.raster;

/**
 * Per-render settings.
 *
 * @param background RGB composited behind the Gaussians (white for NeRF-synthetic)
 */
public record RasterSettings(float[] background) {

    public RasterSettings {
        if (background == null || background.length != 3) throw new IllegalArgumentException("background must be RGB");
        background = background.clone();
    }

    public static RasterSettings white() { return new RasterSettings(new float[] {1, 1, 1}); }

    public static RasterSettings black() { return new RasterSettings(new float[] {0, 0, 0}); }
}
