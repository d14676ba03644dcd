package dev.forge3d.worker.cli;

import dev.forge3d.runtime.dataset.DatasetLoader;
import dev.forge3d.runtime.dataset.LoadOptions;
import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.ImageMetrics;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.SplatFiles;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forge3d render}: renders a trained splat (PLY or SPZ) from a dataset's cameras and scores it against the photos. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render a Gaussian splat (.ply or .spz) from a dataset's cameras; writes PNGs and metrics.json (PSNR/SSIM per view).")
public final class RenderCommand implements Callable<Integer> {

    @Option(names = "--ply", required = true, description = "A splat in the Inria PLY layout, or an SPZ (.spz).")
    Path ply;

    @Option(names = "--data", required = true, description = "Dataset folder whose cameras to render (NeRF-synthetic or COLMAP).")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--downscale", defaultValue = "1", description = "Integer downscale factor (default: ${DEFAULT-VALUE}).")
    int downscale;

    @Option(names = "--split", defaultValue = "test", description = "test (every 8th view), train or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--background", defaultValue = "white", description = "white, black or r,g,b (default: ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Mixin
    BackendOption backend;

    @Override
    public Integer call() throws Exception {
        float[] bg = TrainCommand.parseBackground(background);
        if (!Files.isRegularFile(ply)) throw new IllegalArgumentException((SplatFiles.isSpz(ply) ? "SPZ" : "PLY") + " not found: " + ply);
        GaussianModel model = SplatFiles.read(ply);
        int holdOut = split.equals("all") ? 0 : 8;
        SceneDataset ds = DatasetLoader.load(data, new LoadOptions(downscale, bg, holdOut));
        List<View> views = switch (split) {
            case "test" -> ds.test();
            case "train", "all" -> ds.train();
            default -> throw new IllegalArgumentException("--split must be test, train or all");
        };
        Files.createDirectories(out);
        RasterSettings settings = new RasterSettings(bg);
        List<Map<String, Object>> rows = new ArrayList<>();
        double ps = 0, ss = 0;
        long t0 = System.nanoTime();
        try (dev.forge3d.runtime.splat.raster.Rasterizer r = backend.open(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
             ConsoleProgressBar bar = new ConsoleProgressBar(System.out)) {
            for (int i = 0; i < views.size(); i++) {
                bar.checkCancelled();
                View v = views.get(i);
                RgbImage img = Evaluation.render(model, v, r, settings);
                ImageIo.writePng(img, out.resolve(v.name() + ".png"));
                double p = ImageMetrics.psnr(img, v.image()), s = ImageMetrics.ssim(img, v.image());
                ps += p;
                ss += s;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", v.name()); row.put("psnr", p); row.put("ssim", s);
                rows.add(row);
                bar.onProgress(Progress.of("render", (i + 1.0) / views.size(), Double.NaN, v.name()));
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("psnr", views.isEmpty() ? Double.NaN : ps / views.size());
        m.put("ssim", views.isEmpty() ? Double.NaN : ss / views.size());
        m.put("gaussians", model.size());
        m.put("views", rows.size());
        m.put("seconds", secs);
        m.put("per_view", rows);
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.resolve("metrics.json").toFile(), m);
        System.out.printf("forge3d render: %d views, mean PSNR %.2f dB, SSIM %.4f -> %s%n", views.size(), ps / Math.max(1, views.size()),
                ss / Math.max(1, views.size()), out);
        return 0;
    }
}
