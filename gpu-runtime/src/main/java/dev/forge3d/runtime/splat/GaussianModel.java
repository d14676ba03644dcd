package dev.forge3d.runtime.splat;

/**
 * A 3D Gaussian splat scene: per Gaussian a position, log-scales, a rotation quaternion (w, x, y, z, not
 * necessarily normalised), a logit opacity and spherical-harmonics colour coefficients up to degree 3
 * (DC in {@link ParamGroup#SH_DC}, the 15 higher coefficients in {@link ParamGroup#SH_REST}). Colour is
 * {@code max(0, SH(dir) + 0.5)} as in 3DGS.
 */
public final class GaussianModel extends GaussianTable {

    public static final int MAX_SH_DEGREE = 3;
    /** 1 / (2 sqrt(pi)), the degree-0 SH basis constant. */
    public static final float SH_C0 = 0.28209479177387814f;

    private int shDegree;

    public GaussianModel(int size) {
        super(size);
    }

    /** The SH degree used when rendering (raised during training), 0..3. */
    public int shDegree() { return shDegree; }

    public void setShDegree(int degree) {
        if (degree < 0 || degree > MAX_SH_DEGREE) throw new IllegalArgumentException("SH degree must be 0..3");
        shDegree = degree;
    }

    public float[] positions() { return get(ParamGroup.POSITION); }

    public float[] logScales() { return get(ParamGroup.LOG_SCALE); }

    public float[] rotations() { return get(ParamGroup.ROTATION); }

    public float[] opacityLogits() { return get(ParamGroup.OPACITY); }

    public float[] shDc() { return get(ParamGroup.SH_DC); }

    public float[] shRest() { return get(ParamGroup.SH_REST); }

    public static float sigmoid(float x) { return (float) (1.0 / (1.0 + Math.exp(-x))); }

    public static float logit(float p) { return (float) Math.log(p / (1.0 - p)); }

    /** The SH DC coefficient that renders as {@code rgb} (0..1) from every direction. */
    public static float rgbToSh(float rgb) { return (rgb - 0.5f) / SH_C0; }

    public GaussianModel copy() {
        GaussianModel m = new GaussianModel(size);
        m.copyFrom(this);
        m.shDegree = shDegree;
        return m;
    }

    /** Sets row {@code i}: position, linear scales, a unit quaternion, opacity in (0,1) and a constant colour. */
    public void set(int i, float x, float y, float z, float sx, float sy, float sz, float[] quat, float opacity, float r, float g, float b) {
        float[] p = positions(), s = logScales(), q = rotations(), o = opacityLogits(), dc = shDc(), rest = shRest();
        p[3 * i] = x; p[3 * i + 1] = y; p[3 * i + 2] = z;
        s[3 * i] = (float) Math.log(sx); s[3 * i + 1] = (float) Math.log(sy); s[3 * i + 2] = (float) Math.log(sz);
        System.arraycopy(quat, 0, q, 4 * i, 4);
        o[i] = logit(opacity);
        dc[3 * i] = rgbToSh(r); dc[3 * i + 1] = rgbToSh(g); dc[3 * i + 2] = rgbToSh(b);
        java.util.Arrays.fill(rest, 45 * i, 45 * i + 45, 0f);
    }
}
