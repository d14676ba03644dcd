package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.image.Downscale;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * NeRF-synthetic (Blender) scenes: {@code transforms_train.json} (or {@code transforms.json}) with
 * {@code camera_angle_x} and per frame a {@code file_path} and an OpenGL camera-to-world {@code transform_matrix}.
 * Poses are converted to the internal OpenCV world-to-camera convention; RGBA images are composited over the
 * background; every n-th frame is held out.
 */
public final class NerfSyntheticLoader {

    /** A parsed frame before its image is decoded. */
    public record Frame(String name, Path image, Pose pose) { }

    private NerfSyntheticLoader() { }

    public static boolean accepts(Path dir) {
        return transformsFile(dir) != null;
    }

    static Path transformsFile(Path dir) {
        for (String n : new String[] {"transforms_train.json", "transforms.json"}) {
            if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        }
        return null;
    }

    /** Parses the frames and the horizontal field of view without decoding images. */
    public static List<Frame> frames(Path transforms, double[] fovXOut) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(transforms.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse " + transforms + ": " + e.getMessage(), e);
        }
        JsonNode fov = root.get("camera_angle_x");
        if (fov == null || !fov.isNumber()) throw new IllegalArgumentException(transforms + ": missing camera_angle_x");
        fovXOut[0] = fov.asDouble();
        JsonNode frames = root.get("frames");
        if (frames == null || !frames.isArray() || frames.isEmpty()) throw new IllegalArgumentException(transforms + ": no frames");
        List<Frame> out = new ArrayList<>();
        Path dir = transforms.getParent();
        for (JsonNode f : frames) {
            String fp = f.path("file_path").asString("");
            if (fp.isEmpty()) throw new IllegalArgumentException(transforms + ": a frame has no file_path");
            String rel = fp.startsWith("./") ? fp.substring(2) : fp;
            Path img = dir.resolve(rel);
            if (!rel.toLowerCase().endsWith(".png") && !rel.toLowerCase().endsWith(".jpg")) img = dir.resolve(rel + ".png");
            JsonNode m = f.get("transform_matrix");
            if (m == null || m.size() != 4) throw new IllegalArgumentException(transforms + ": frame " + fp + " needs a 4x4 transform_matrix");
            double[] m4 = new double[16];
            for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) m4[4 * r + c] = m.get(r).get(c).asDouble();
            out.add(new Frame(img.getFileName().toString().replaceFirst("\\.[^.]+$", ""), img, Pose.fromOpenGlCameraToWorld(m4)));
        }
        return out;
    }

    public static SceneDataset load(Path dir, LoadOptions options) {
        Path transforms = transformsFile(dir);
        if (transforms == null) throw new IllegalArgumentException(dir + ": no transforms_train.json or transforms.json");
        double[] fov = new double[1];
        List<Frame> frames = frames(transforms, fov);
        for (Frame f : frames) {
            if (!Files.isRegularFile(f.image())) throw new IllegalArgumentException("image missing: " + f.image());
        }
        View[] views = new View[frames.size()];
        IntStream.range(0, frames.size()).parallel().forEach(i -> {
            Frame f = frames.get(i);
            RgbImage full = ImageIo.read(f.image(), options.background());
            RgbImage img = Downscale.box(full, options.downscale());
            // focal length from the full-size width, then scaled like the pixels (matches box downscaling)
            Intrinsics k = Intrinsics.fromFovX(full.width(), full.height(), fov[0]);
            double s = options.downscale();
            Intrinsics scaled = new Intrinsics(img.width(), img.height(), k.fx() / s, k.fy() / s, 0.5 * img.width(), 0.5 * img.height());
            views[i] = new View(f.name(), new Camera(f.name(), scaled, f.pose()), img);
        });
        List<View> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < views.length; i++) {
            (SceneDataset.heldOut(i, options.holdOutEvery()) ? test : train).add(views[i]);
        }
        return new SceneDataset(dir.getFileName().toString(), train, test, new float[0], new float[0]);
    }
}
