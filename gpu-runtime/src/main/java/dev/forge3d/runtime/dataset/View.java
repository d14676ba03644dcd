package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.image.RgbImage;

/** One posed image: the camera (intrinsics already matching the image size) and its RGB pixels. */
public record View(String name, Camera camera, RgbImage image) {

    public View {
        if (camera.width() != image.width() || camera.height() != image.height())
            throw new IllegalArgumentException("view " + name + ": camera is " + camera.width() + "x" + camera.height()
                    + " but image is " + image.width() + "x" + image.height());
    }
}
