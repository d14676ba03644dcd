package dev.forge3d.runtime.camera;

/** A named, posed pinhole camera: what the rasterizer renders from and what SfM estimates. */
public record Camera(String name, Intrinsics intrinsics, Pose pose) {

    public int width() { return intrinsics.width(); }

    public int height() { return intrinsics.height(); }

    /** The same camera with its image scaled down by {@code factor}. */
    public Camera downscaled(double factor) {
        return new Camera(name, intrinsics.downscaled(factor), pose);
    }
}
