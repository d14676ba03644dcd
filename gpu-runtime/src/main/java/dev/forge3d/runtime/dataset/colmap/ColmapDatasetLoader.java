package dev.forge3d.runtime.dataset.colmap;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.Downscale;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A COLMAP scene folder: {@code images/} plus a sparse model in {@code sparse/0}, {@code sparse/} or the folder
 * itself. Only undistorted pinhole cameras (PINHOLE, SIMPLE_PINHOLE) are accepted, as in 3DGS. Images are sorted by
 * name and every n-th one is held out.
 */
public final class ColmapDatasetLoader {

    private ColmapDatasetLoader() { }

    public static boolean accepts(Path dir) {
        return modelDir(dir) != null;
    }

    static Path modelDir(Path dir) {
        for (Path p : new Path[] {dir.resolve("sparse/0"), dir.resolve("sparse"), dir}) {
            if (Files.isDirectory(p) && ColmapModelReader.isModel(p)) return p;
        }
        return null;
    }

    /** Intrinsics of a pinhole camera, or a clear error for models with distortion. */
    public static Intrinsics intrinsics(ColmapModel.CameraModel c) {
        double[] p = c.params();
        return switch (c.model()) {
            case "SIMPLE_PINHOLE" -> new Intrinsics(c.width(), c.height(), p[0], p[0], p[1], p[2]);
            case "PINHOLE" -> new Intrinsics(c.width(), c.height(), p[0], p[1], p[2], p[3]);
            default -> throw new IllegalArgumentException("camera " + c.id() + " uses the distorted model " + c.model()
                    + "; only PINHOLE and SIMPLE_PINHOLE are supported: undistort first (colmap image_undistorter)");
        };
    }

    public static SceneDataset load(Path dir, LoadOptions options) {
        Path model = modelDir(dir);
        if (model == null) throw new IllegalArgumentException(dir + ": no COLMAP model");
        ColmapModel m = ColmapModelReader.read(model);
        Path imageDir = Files.isDirectory(dir.resolve("images")) ? dir.resolve("images") : dir;
        List<ColmapModel.Image> images = new ArrayList<>(m.images());
        images.sort(Comparator.comparing(ColmapModel.Image::name));
        if (images.isEmpty()) throw new IllegalArgumentException(model + ": the model has no registered images");
        for (ColmapModel.Image im : images) {
            intrinsics(m.cameras().get(im.cameraId()));
            if (!Files.isRegularFile(imageDir.resolve(im.name()))) throw new IllegalArgumentException("image missing: " + imageDir.resolve(im.name()));
        }
        View[] views = new View[images.size()];
        int s = options.downscale();
        IntStream.range(0, images.size()).parallel().forEach(i -> {
            ColmapModel.Image im = images.get(i);
            Intrinsics k = intrinsics(m.cameras().get(im.cameraId()));
            RgbImage full = ImageIo.read(imageDir.resolve(im.name()), options.background());
            if (full.width() != k.width() || full.height() != k.height())
                throw new IllegalArgumentException("image " + im.name() + " is " + full.width() + "x" + full.height()
                        + " but its camera says " + k.width() + "x" + k.height());
            RgbImage img = Downscale.box(full, s);
            Intrinsics scaled = new Intrinsics(img.width(), img.height(), k.fx() / s, k.fy() / s, k.cx() / s, k.cy() / s);
            views[i] = new View(im.name(), new Camera(im.name(), scaled, im.pose()), img);
        });
        List<View> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < views.length; i++) (SceneDataset.heldOut(i, options.holdOutEvery()) ? test : train).add(views[i]);
        return new SceneDataset(dir.getFileName().toString(), train, test, m.points(), m.colours());
    }
}
