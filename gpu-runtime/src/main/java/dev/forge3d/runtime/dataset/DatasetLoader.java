package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.dataset.colmap.ColmapDatasetLoader;

import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the reader for a dataset folder: NeRF-synthetic {@code transforms*.json} or a COLMAP sparse model. */
public final class DatasetLoader {

    private DatasetLoader() { }

    public static SceneDataset load(Path dir, LoadOptions options) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("dataset folder not found: " + dir);
        if (NerfSyntheticLoader.accepts(dir)) return NerfSyntheticLoader.load(dir, options);
        if (ColmapDatasetLoader.accepts(dir)) return ColmapDatasetLoader.load(dir, options);
        throw new IllegalArgumentException(dir + " is neither a NeRF-synthetic scene (transforms_train.json / transforms.json)"
                + " nor a COLMAP scene (sparse/0 or sparse/ with cameras, images, points3D + images/)");
    }
}
