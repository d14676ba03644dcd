package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.image.RgbImage;

/**
 * One posed image: the camera (intrinsics already matching the image size) and its RGB pixels.
 *
 * @param coverage where the image shows the photographed object, per pixel in [0, 1] (row-major, the image's size),
 *                 when the image was composited over a plain background with an object mask: the image is then
 *                 {@code photo * coverage + background * (1 - coverage)}; null for a plain photo
 */
public record View(String name, Camera camera, RgbImage image, float[] coverage) {

    public View {
        if (camera.width() != image.width() || camera.height() != image.height())
            throw new IllegalArgumentException("view " + name + ": camera is " + camera.width() + "x" + camera.height()
                    + " but image is " + image.width() + "x" + image.height());
        if (coverage != null && coverage.length != image.pixels())
            throw new IllegalArgumentException("view " + name + ": coverage has " + coverage.length + " values for "
                    + image.pixels() + " pixels");
    }

    /** A plain photo (no coverage). */
    public View(String name, Camera camera, RgbImage image) {
        this(name, camera, image, null);
    }

    /** This view with {@code coverage} (see the record's doc). */
    public View withCoverage(float[] coverage) {
        return new View(name, camera, image, coverage);
    }
}
