package dev.forge3d.runtime.dataset.colmap;

import dev.forge3d.runtime.camera.Pose;

import java.util.List;
import java.util.Map;

/**
 * A COLMAP sparse reconstruction as read from {@code cameras}, {@code images} and {@code points3D} (.txt or .bin).
 *
 * @param points  xyz triples
 * @param colours rgb triples in [0, 1]
 */
public record ColmapModel(Map<Integer, CameraModel> cameras, List<Image> images, float[] points, float[] colours) {

    /** A COLMAP camera; {@code params} in COLMAP's order for {@code model}. */
    public record CameraModel(int id, String model, int width, int height, double[] params) { }

    /** A registered image: COLMAP stores the world-to-camera pose (quaternion w x y z, translation). */
    public record Image(int id, String name, int cameraId, Pose pose) { }
}
