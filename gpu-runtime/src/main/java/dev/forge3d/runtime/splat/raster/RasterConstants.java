package dev.forge3d.runtime.splat.raster;

/**
 * The constants of the Inria 3DGS rasterizer, shared by every backend so that their outputs can be compared.
 * Pixel centres sit at integer index + 0.5 with the principal point in pixel units.
 */
public final class RasterConstants {

    private RasterConstants() { }

    /** Added to the diagonal of the 2D covariance (anti-aliasing low-pass). */
    public static final float LOW_PASS = 0.3f;
    /** Gaussians with camera-space depth at or below this are culled. */
    public static final float NEAR = 0.2f;
    /** Tile edge in pixels. */
    public static final int TILE = 16;
    /** Contributions with alpha below this are skipped. */
    public static final float ALPHA_MIN = 1f / 255f;
    /** Alpha is clamped to this. */
    public static final float ALPHA_MAX = 0.99f;
    /** A pixel stops accumulating once its transmittance would fall below this. */
    public static final float T_MIN = 1e-4f;
    /** The mean's x/z and y/z are clamped to 1.3 x tan(fov/2) in the EWA Jacobian. */
    public static final float FOV_CLAMP = 1.3f;
    /** Footprint radius in standard deviations used for tile binning. */
    public static final float RADIUS_SIGMAS = 3f;
}
