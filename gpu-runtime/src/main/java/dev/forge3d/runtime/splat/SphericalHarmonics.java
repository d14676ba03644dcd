package dev.forge3d.runtime.splat;

/**
 * Real spherical-harmonics basis up to degree 3 in the order and sign convention of the 3DGS reference code
 * (evaluated at a unit direction from the camera centre to the Gaussian), and its gradient.
 */
public final class SphericalHarmonics {

    public static final double C0 = 0.28209479177387814;
    public static final double C1 = 0.4886025119029199;
    static final double C20 = 1.0925484305920792, C21 = -1.0925484305920792, C22 = 0.31539156525252005,
            C23 = -1.0925484305920792, C24 = 0.5462742152960396;
    static final double C30 = -0.5900435899266435, C31 = 2.890611442640554, C32 = -0.4570457994644658,
            C33 = 0.3731763325901154, C34 = -0.4570457994644658, C35 = 1.445305721320277, C36 = -0.5900435899266435;

    private SphericalHarmonics() { }

    /** Number of coefficients of a degree: 1, 4, 9, 16. */
    public static int coefficients(int degree) { return (degree + 1) * (degree + 1); }

    /** Fills {@code b[0..coefficients(degree))} with the basis at unit direction (x, y, z). */
    public static void basis(int degree, double x, double y, double z, double[] b) {
        b[0] = C0;
        if (degree < 1) return;
        b[1] = -C1 * y; b[2] = C1 * z; b[3] = -C1 * x;
        if (degree < 2) return;
        double xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
        b[4] = C20 * xy; b[5] = C21 * yz; b[6] = C22 * (2 * zz - xx - yy); b[7] = C23 * xz; b[8] = C24 * (xx - yy);
        if (degree < 3) return;
        b[9] = C30 * y * (3 * xx - yy);
        b[10] = C31 * xy * z;
        b[11] = C32 * y * (4 * zz - xx - yy);
        b[12] = C33 * z * (2 * zz - 3 * xx - 3 * yy);
        b[13] = C34 * x * (4 * zz - xx - yy);
        b[14] = C35 * z * (xx - yy);
        b[15] = C36 * x * (xx - 3 * yy);
    }

    /**
     * Adds {@code weight[k] * d basis_k / d(x,y,z)} over the coefficients of {@code degree} (k >= 1) to {@code g}
     * (the derivative with respect to the unnormalised components, before the normalisation's chain rule).
     */
    public static void gradient(int degree, double x, double y, double z, double[] weight, double[] g) {
        if (degree < 1) return;
        double gx = 0, gy = 0, gz = 0;
        gy += -C1 * weight[1];
        gz += C1 * weight[2];
        gx += -C1 * weight[3];
        if (degree >= 2) {
            gx += C20 * y * weight[4]; gy += C20 * x * weight[4];
            gy += C21 * z * weight[5]; gz += C21 * y * weight[5];
            gx += -2 * C22 * x * weight[6]; gy += -2 * C22 * y * weight[6]; gz += 4 * C22 * z * weight[6];
            gx += C23 * z * weight[7]; gz += C23 * x * weight[7];
            gx += 2 * C24 * x * weight[8]; gy += -2 * C24 * y * weight[8];
        }
        if (degree >= 3) {
            double xx = x * x, yy = y * y, zz = z * z;
            gx += C30 * 6 * x * y * weight[9]; gy += C30 * (3 * xx - 3 * yy) * weight[9];
            gx += C31 * y * z * weight[10]; gy += C31 * x * z * weight[10]; gz += C31 * x * y * weight[10];
            gx += C32 * (-2 * x * y) * weight[11]; gy += C32 * (4 * zz - xx - 3 * yy) * weight[11]; gz += C32 * 8 * y * z * weight[11];
            gx += C33 * (-6 * x * z) * weight[12]; gy += C33 * (-6 * y * z) * weight[12]; gz += C33 * (6 * zz - 3 * xx - 3 * yy) * weight[12];
            gx += C34 * (4 * zz - 3 * xx - yy) * weight[13]; gy += C34 * (-2 * x * y) * weight[13]; gz += C34 * 8 * x * z * weight[13];
            gx += C35 * 2 * x * z * weight[14]; gy += C35 * (-2 * y * z) * weight[14]; gz += C35 * (xx - yy) * weight[14];
            gx += C36 * (3 * xx - 3 * yy) * weight[15]; gy += C36 * (-6 * x * y) * weight[15];
        }
        g[0] += gx; g[1] += gy; g[2] += gz;
    }
}
