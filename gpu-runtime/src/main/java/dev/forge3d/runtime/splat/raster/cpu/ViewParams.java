package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.raster.RasterConstants;

/** A camera unpacked into the numbers projection needs (double precision). */
final class ViewParams {
    final double[] r;
    final double[] t;
    final double[] centre;
    final double fx, fy, cx, cy;
    final int width, height, tilesX, tilesY;
    final double limX, limY;
    /** The depth channel holds the opacity field's surface depth ({@code RasterSettings.surfaceDepth}). */
    final boolean surfaceDepth;

    ViewParams(Camera camera) { this(camera, false); }

    ViewParams(Camera camera, boolean surfaceDepth) {
        this.surfaceDepth = surfaceDepth;
        r = camera.pose().rotation();
        t = camera.pose().translation();
        centre = camera.pose().centre();
        fx = camera.intrinsics().fx();
        fy = camera.intrinsics().fy();
        cx = camera.intrinsics().cx();
        cy = camera.intrinsics().cy();
        width = camera.width();
        height = camera.height();
        tilesX = (width + RasterConstants.TILE - 1) / RasterConstants.TILE;
        tilesY = (height + RasterConstants.TILE - 1) / RasterConstants.TILE;
        limX = RasterConstants.FOV_CLAMP * (0.5 * width / fx);
        limY = RasterConstants.FOV_CLAMP * (0.5 * height / fy);
    }
}
