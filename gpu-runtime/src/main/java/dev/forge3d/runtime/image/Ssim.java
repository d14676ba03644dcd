package dev.forge3d.runtime.image;

/**
 * SSIM with its gradient (used both as a metric and in the 3DGS training loss). Planar RGB inputs; the mean is
 * over every pixel of every channel, with zero-padded "same" convolutions like the reference implementation.
 */
public final class Ssim {

    static final float C1 = 0.01f * 0.01f;
    static final float C2 = 0.03f * 0.03f;
    private static final GaussianBlur WINDOW = GaussianBlur.ssimWindow();

    private Ssim() { }

    /**
     * Mean SSIM of {@code x} against {@code y}; if {@code gradX} is not null it receives d(mean SSIM)/dx
     * (overwritten, same layout as x).
     */
    public static double compute(float[] x, float[] y, int w, int h, float[] gradX) {
        int n = w * h;
        double invCount = 1.0 / (3.0 * n);
        double[] sums = new double[3];
        // the three channels are independent: one task each
        java.util.stream.IntStream.range(0, 3).parallel().forEach(c -> sums[c] = channel(x, y, w, h, c, gradX, invCount));
        return (sums[0] + sums[1] + sums[2]) * invCount;
    }

    private static double channel(float[] x, float[] y, int w, int h, int c, float[] gradX, double invCount) {
        int n = w * h;
        float[] tmp = new float[n];
        float[] prod = new float[n];
        float[] mx = new float[n], my = new float[n], exx = new float[n], eyy = new float[n], exy = new float[n];
        float[] gm = gradX == null ? null : new float[n];
        float[] gxx = gradX == null ? null : new float[n];
        float[] gxy = gradX == null ? null : new float[n];
        {
            int off = c * n;
            WINDOW.blur(x, off, mx, 0, w, h, tmp);
            WINDOW.blur(y, off, my, 0, w, h, tmp);
            for (int i = 0; i < n; i++) prod[i] = x[off + i] * x[off + i];
            WINDOW.blur(prod, 0, exx, 0, w, h, tmp);
            for (int i = 0; i < n; i++) prod[i] = y[off + i] * y[off + i];
            WINDOW.blur(prod, 0, eyy, 0, w, h, tmp);
            for (int i = 0; i < n; i++) prod[i] = x[off + i] * y[off + i];
            WINDOW.blur(prod, 0, exy, 0, w, h, tmp);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                float ux = mx[i], uy = my[i];
                float sxx = exx[i] - ux * ux, syy = eyy[i] - uy * uy, sxy = exy[i] - ux * uy;
                float a1 = 2 * ux * uy + C1, a2 = 2 * sxy + C2;
                float b1 = ux * ux + uy * uy + C1, b2 = sxx + syy + C2;
                float s = a1 * a2 / (b1 * b2);
                sum += s;
                if (gradX != null) {
                    float dsdmu = (2 * uy * a2) / (b1 * b2) - 2 * ux * s / b1;   // holding the variances fixed
                    float dsdsxy = 2 * a1 / (b1 * b2);
                    float dsdsxx = -s / b2;
                    float scale = (float) invCount;
                    gm[i] = scale * (dsdmu - 2 * ux * dsdsxx - uy * dsdsxy);
                    gxx[i] = scale * dsdsxx;
                    gxy[i] = scale * dsdsxy;
                }
            }
            if (gradX != null) {
                // dS/dx_q = (G*gm)_q + 2 x_q (G*gxx)_q + y_q (G*gxy)_q  (G symmetric, zero padded: self-adjoint)
                WINDOW.blur(gm, 0, mx, 0, w, h, tmp);
                WINDOW.blur(gxx, 0, exx, 0, w, h, tmp);
                WINDOW.blur(gxy, 0, exy, 0, w, h, tmp);
                for (int i = 0; i < n; i++) {
                    gradX[off + i] = mx[i] + 2 * x[off + i] * exx[i] + y[off + i] * exy[i];
                }
            }
            return sum;
        }
    }
}
