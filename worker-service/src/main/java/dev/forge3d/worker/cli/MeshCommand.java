package dev.forge3d.worker.cli;

import dev.forge3d.runtime.asset.ProductAssets;
import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.dataset.DatasetLoader;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.mesh.GlbWriter;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyReader;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SpzWriter;
import dev.forge3d.worker.pipeline.stages.AssetOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code forge3d mesh}: the web-ready assets of a trained scene, as a photo job's export writes them: {@code model.glb}
 * (the object, upright, textured from the photos), {@code scene.ply} and {@code scene.spz} (its Gaussians in the same
 * frame).
 */
@Command(name = "mesh", mixinStandardHelpOptions = true,
        description = "Mesh a trained splat: the object the photos look at, upright (+Y up), as model.glb and a cropped scene.ply and scene.spz.")
public final class MeshCommand implements Callable<Integer> {

    @Option(names = "--ply", required = true, description = "A trained splat in the Inria PLY layout.")
    Path ply;

    @Option(names = "--data", required = true, description = "The dataset it was trained on (NeRF-synthetic or COLMAP): its cameras and photos.")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--downscale", defaultValue = "1", description = "Integer downscale factor of the photos, as in training (default: ${DEFAULT-VALUE}).")
    int downscale;

    @Option(names = "--crop", defaultValue = "auto", description = "auto (the object alone) or none (the whole scene) (default: ${DEFAULT-VALUE}).")
    String crop;

    @Option(names = "--mesh-triangles", defaultValue = "100000", description = "Triangle budget (default: ${DEFAULT-VALUE}).")
    int meshTriangles;

    @Option(names = "--unit-height", description = "Scale the object to a height of 1 unit (what jobs do after structure from motion); default: keep the dataset's units.")
    boolean unitHeight;

    @Option(names = "--height-meters", description = "The object's real height in metres: the model is scaled to it.")
    Double heightMeters;

    @Option(names = "--texture-size", defaultValue = "2048", description = "Baked texture side in texels, 0 for vertex colours (default: ${DEFAULT-VALUE}).")
    int textureSize;

    @Option(names = "--masks", paramLabel = "DIR", description = "Per-photo object masks (as for train): the volume is "
            + "carved to their hull (a job does this with an upload's masks).")
    Path masks;

    @Option(names = "--masks-estimated", description = "The --masks were estimated (forge3d masks), as a job's are on "
            + "a plain backdrop: a floor they take in around the object's foot (a shadow) is found and cut away.")
    boolean masksEstimated;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Mixin
    BackendOption backend;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(ply)) throw new IllegalArgumentException("PLY not found: " + ply);
        ProductAssets.Options options = AssetOptions.fromCommandLine(crop, meshTriangles, !unitHeight,
                heightMeters == null ? Double.NaN : heightMeters, textureSize);
        GaussianModel model = PlyReader.read(ply);
        SceneDataset ds = DatasetLoader.load(data, new LoadOptions(downscale, new float[] {1, 1, 1}, 8));
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        ProductAssets.Result result;
        try (dev.forge3d.runtime.splat.raster.Rasterizer r = backend.open(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
             ConsoleProgressBar bar = new ConsoleProgressBar(System.out)) {
            result = ProductAssets.build(model, ds.train(), ViewMasks.of(ds.train(), masks), masksEstimated, options, r, bar);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (result.textured() != null) GlbWriter.write(result.textured(), out.resolve("model.glb"));
        else GlbWriter.write(result.mesh(), out.resolve("model.glb"));
        PlyWriter.write(result.gaussians(), out.resolve("scene.ply"));
        SpzWriter.write(result.gaussians(), out.resolve("scene.spz"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", secs);
        m.put("triangles", result.mesh().triangleCount());
        m.put("glbBytes", Files.size(out.resolve("model.glb")));
        m.put("plyBytes", Files.size(out.resolve("scene.ply")));
        m.put("spzBytes", Files.size(out.resolve("scene.spz")));
        m.put("crop", result.decisions());
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.resolve("metrics.json").toFile(), m);
        System.out.printf("forge3d mesh: %d triangles, crop %s, %.1f s -> %s%n", result.mesh().triangleCount(),
                result.decisions().get("applied"), secs, out);
        return 0;
    }
}
