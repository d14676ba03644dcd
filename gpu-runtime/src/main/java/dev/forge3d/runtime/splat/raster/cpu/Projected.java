package dev.forge3d.runtime.splat.raster.cpu;

/**
 * Per-Gaussian results of the projection stage, structure of arrays, grown on demand and reused across renders.
 * A Gaussian with {@code radius == 0} is culled.
 */
final class Projected {
    int capacity;
    float[] u, v;              // 2D mean, pixels
    float[] conA, conB, conC;  // inverse 2D covariance: power = -0.5 (A dx^2 + C dy^2) - B dx dy
    float[] extX, extY;        // half extents of the alpha >= 1/255 ellipse, pixels
    float[] depth;             // camera-space z
    float[] opacity;           // sigmoid(logit)
    float[] colour;            // rgb, 3 per Gaussian
    byte[] clamped;            // bit c set: colour channel c was clamped at 0
    int[] radius;
    short[] rectX0, rectY0, rectX1, rectY1; // tile rectangle, [x0, x1) x [y0, y1)
    int[] slotOffset;          // first per-(Gaussian, tile) slot of this Gaussian (Gaussian-major)

    void ensure(int n) {
        if (n <= capacity) return;
        int c = Math.max(n, capacity + capacity / 2);
        u = new float[c]; v = new float[c];
        conA = new float[c]; conB = new float[c]; conC = new float[c];
        extX = new float[c]; extY = new float[c];
        depth = new float[c]; opacity = new float[c];
        colour = new float[3 * c];
        clamped = new byte[c];
        radius = new int[c];
        rectX0 = new short[c]; rectY0 = new short[c]; rectX1 = new short[c]; rectY1 = new short[c];
        slotOffset = new int[c + 1];
        capacity = c;
    }

    int tilesTouched(int i) {
        return radius[i] == 0 ? 0 : (rectX1[i] - rectX0[i]) * (rectY1[i] - rectY0[i]);
    }
}
