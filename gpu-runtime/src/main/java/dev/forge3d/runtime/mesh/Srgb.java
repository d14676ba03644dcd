package dev.forge3d.runtime.mesh;

/** The sRGB transfer function: photos and textures hold display values, glTF's vertex colours linear light. */
public final class Srgb {

    private Srgb() { }

    /** Display value (0..1, clamped) to linear light. */
    public static float toLinear(float c) {
        c = Math.clamp(c, 0f, 1f);
        return c <= 0.04045f ? c / 12.92f : (float) Math.pow((c + 0.055) / 1.055, 2.4);
    }

    /** Linear light (0..1, clamped) to a display value. */
    public static float toDisplay(float c) {
        c = Math.clamp(c, 0f, 1f);
        return c <= 0.0031308f ? c * 12.92f : (float) (1.055 * Math.pow(c, 1 / 2.4) - 0.055);
    }
}
