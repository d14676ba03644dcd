package dev.forge3d.runtime.image;

/** Integer-factor box filter: each output pixel is the mean of a factor x factor block (edge rows beyond a whole block are dropped). */
public final class Downscale {

    private Downscale() { }

    public static RgbImage box(RgbImage src, int factor) {
        if (factor < 1) throw new IllegalArgumentException("downscale factor must be >= 1, got " + factor);
        if (factor == 1) return src;
        int w = src.width() / factor, h = src.height() / factor;
        if (w < 1 || h < 1) throw new IllegalArgumentException("image " + src.width() + "x" + src.height() + " too small for downscale " + factor);
        RgbImage out = new RgbImage(w, h);
        float[] s = src.data(), d = out.data();
        int sw = src.width(), sPlane = src.pixels(), dPlane = w * h;
        float inv = 1f / (factor * factor);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int j = 0; j < factor; j++) {
                        int row = c * sPlane + (y * factor + j) * sw + x * factor;
                        for (int i = 0; i < factor; i++) sum += s[row + i];
                    }
                    d[c * dPlane + y * w + x] = (float) (sum * inv);
                }
            }
        }
        return out;
    }
}
