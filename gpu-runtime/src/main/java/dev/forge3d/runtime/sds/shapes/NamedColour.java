package dev.forge3d.runtime.sds.shapes;

import java.util.Locale;

/** The colours the built-in prior knows, as sRGB-ish display values 0..1. */
public enum NamedColour {
    RED(0.85f, 0.10f, 0.10f), GREEN(0.15f, 0.70f, 0.20f), BLUE(0.12f, 0.25f, 0.85f), YELLOW(0.95f, 0.85f, 0.10f),
    WHITE(0.95f, 0.95f, 0.95f), BLACK(0.08f, 0.08f, 0.08f), ORANGE(0.95f, 0.50f, 0.08f), PURPLE(0.55f, 0.15f, 0.70f);

    public final float r, g, b;

    NamedColour(float r, float g, float b) { this.r = r; this.g = g; this.b = b; }

    public String word() { return name().toLowerCase(Locale.ROOT); }

    public float[] rgb() { return new float[] {r, g, b}; }

    /** The named colour nearest to {@code rgb} in RGB distance, with shading removed by comparing chromaticity and brightness. */
    public static NamedColour nearest(float[] rgb) {
        NamedColour best = null;
        double bestD = Double.MAX_VALUE;
        for (NamedColour c : values()) {
            double dr = rgb[0] - c.r, dg = rgb[1] - c.g, db = rgb[2] - c.b;
            double d = dr * dr + dg * dg + db * db;
            if (d < bestD) { bestD = d; best = c; }
        }
        return best;
    }
}
