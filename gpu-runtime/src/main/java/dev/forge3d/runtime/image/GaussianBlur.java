package dev.forge3d.runtime.image;

/**
 * Separable "same"-size Gaussian blur with zero padding (the convolution of the SSIM used by 3DGS and pytorch-ssim).
 * The kernel is symmetric, so this operator is its own adjoint, which the SSIM gradient relies on.
 */
public final class GaussianBlur {

    private final float[] kernel;
    private final int radius;

    public GaussianBlur(int size, double sigma) {
        if (size % 2 == 0) throw new IllegalArgumentException("kernel size must be odd");
        radius = size / 2;
        kernel = new float[size];
        double sum = 0;
        double[] k = new double[size];
        for (int i = 0; i < size; i++) {
            k[i] = Math.exp(-((i - radius) * (i - radius)) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) kernel[i] = (float) (k[i] / sum);
    }

    /** The 11-tap, sigma 1.5 window of SSIM. */
    public static GaussianBlur ssimWindow() { return new GaussianBlur(11, 1.5); }

    /**
     * Blurs one {@code w x h} plane from {@code src} (at {@code srcOff}) into {@code dst} (at {@code dstOff}),
     * using {@code tmp} (at least w*h floats) as scratch.
     */
    public void blur(float[] src, int srcOff, float[] dst, int dstOff, int w, int h, float[] tmp) {
        int r = radius;
        // Both passes run tap by tap over contiguous spans (x for the horizontal pass, whole rows for the vertical
        // one), simple loops that the JIT vectorises; edge pixels just see fewer taps (zero padding).
        for (int y = 0; y < h; y++) {
            int row = srcOff + y * w, out = y * w;
            for (int x = 0; x < w; x++) tmp[out + x] = 0;
            for (int i = -r; i <= r; i++) {
                float k = kernel[i + r];
                int x0 = Math.max(0, -i), x1 = Math.min(w, w - i);
                int so = row + i, to = out;
                for (int x = x0; x < x1; x++) tmp[to + x] += k * src[so + x];
            }
        }
        for (int y = 0; y < h; y++) {
            int out = dstOff + y * w;
            for (int x = 0; x < w; x++) dst[out + x] = 0;
            int j0 = Math.max(-r, -y), j1 = Math.min(r, h - 1 - y);
            for (int j = j0; j <= j1; j++) {
                float k = kernel[j + r];
                int in = (y + j) * w;
                for (int x = 0; x < w; x++) dst[out + x] += k * tmp[in + x];
            }
        }
    }
}
