package dev.forge3d.runtime.splat.raster;

/**
 * dL/d(rendered image), the input of the backward pass. Any loss can produce it: a photometric loss, or a score
 * distillation gradient from a diffusion prior.
 *
 * @param rgb   planar dL/dRGB (3 x w x h), required
 * @param alpha dL/dalpha per pixel, or null
 * @param depth dL/ddepth per pixel (for {@link RenderResult#depth()}), or null
 */
public record ImageGradient(float[] rgb, float[] alpha, float[] depth) {

    public ImageGradient {
        if (rgb == null) throw new IllegalArgumentException("an RGB gradient is required");
    }

    public static ImageGradient ofRgb(float[] rgb) { return new ImageGradient(rgb, null, null); }
}
