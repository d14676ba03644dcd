package dev.forge3d.runtime.image;

/** Image quality metrics: PSNR and SSIM (11-px Gaussian window, sigma 1.5, C1 = 0.01^2, C2 = 0.03^2), as in 3DGS. */
public final class ImageMetrics {

    private ImageMetrics() { }

    /** PSNR in dB for values in [0, 1], over all pixels and channels. */
    public static double psnr(RgbImage a, RgbImage b) {
        return psnrFromMse(mse(a, b));
    }

    public static double psnrFromMse(double mse) {
        return mse <= 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    public static double mse(RgbImage a, RgbImage b) {
        check(a, b);
        float[] x = a.data(), y = b.data();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return s / x.length;
    }

    /** Mean SSIM over pixels and channels. */
    public static double ssim(RgbImage a, RgbImage b) {
        check(a, b);
        return Ssim.compute(a.data(), b.data(), a.width(), a.height(), null);
    }

    private static void check(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height())
            throw new IllegalArgumentException("image sizes differ: " + a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
    }
}
