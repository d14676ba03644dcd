package dev.forge3d.runtime.splat;

/**
 * The trainable parameter groups of a Gaussian, each a flat float array with {@link #dim} values per Gaussian.
 * SH_REST holds 15 coefficients x 3 channels in coefficient-major order ({@code (k - 1) * 3 + c}).
 */
public enum ParamGroup {
    POSITION(3), LOG_SCALE(3), ROTATION(4), OPACITY(1), SH_DC(3), SH_REST(45);

    public final int dim;

    ParamGroup(int dim) { this.dim = dim; }

    public static final ParamGroup[] ALL = values();
}
