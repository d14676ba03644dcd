package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.dataset.colmap.ColmapTextWriter;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SplatWriter;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.Evaluation;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the job's artifacts: {@code scene.ply} (Inria 3DGS layout) and {@code scene.splat} (as the job's
 * {@code outputFormats} ask), {@code cameras/} (a COLMAP text model of the training cameras), {@code preview.png}
 * (a render from the first held-out view, or the first training view when none was held out) and the quality
 * figures for {@code metrics.json} (held-out PSNR and SSIM, Gaussian count, images registered, reprojection
 * error). The runner writes {@code metrics.json} itself after this stage, so it holds every stage's seconds.
 */
public final class ExportStage implements Stage {

    public static final String NAME = "export";

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        PhotoJobOptions options = ctx.shared(IngestStage.OPTIONS, PhotoJobOptions.class).orElseThrow();
        SfmStage.Output scene = ctx.shared(SfmStage.OUTPUT, SfmStage.Output.class).orElseThrow();
        TrainStage.Output trained = ctx.shared(TrainStage.OUTPUT, TrainStage.Output.class)
                .orElseThrow(() -> new IllegalStateException("the train stage did not run"));
        Path out = ctx.outputDir();
        ctx.progress().onProgress(Progress.of(NAME, 0, Double.NaN, "writing the splat"));
        if (options.outputFormats().contains("ply")) PlyWriter.write(trained.model(), out.resolve("scene.ply"));
        if (options.outputFormats().contains("splat")) SplatWriter.write(trained.model(), out.resolve("scene.splat"));
        ctx.progress().checkCancelled();

        writeCameras(scene, trained, out.resolve("cameras"));
        ctx.progress().onProgress(Progress.of(NAME, 0.3, Double.NaN, "rendering the preview and held-out views"));

        RasterSettings settings = new RasterSettings(trained.background());
        Evaluation.Result eval = null;
        View previewView;
        try (CpuRasterizer raster = new CpuRasterizer(Math.max(1, ctx.job().capabilities().threads()))) {
            List<View> heldOut = trained.dataset().test();
            if (!heldOut.isEmpty()) eval = Evaluation.evaluate(trained.model(), heldOut, raster, settings);
            ctx.progress().checkCancelled();
            previewView = heldOut.isEmpty() ? trained.dataset().train().get(0) : heldOut.get(0);
            ImageIo.writePng(Evaluation.render(trained.model(), previewView, raster, settings), out.resolve("preview.png"));
        }

        ObjectNode quality = ctx.metrics().putObject("quality");
        quality.put("heldOutViews", trained.dataset().test().size());
        if (eval != null) {
            quality.put("psnr", SfmStage.round(eval.psnr(), 3));
            quality.put("ssim", SfmStage.round(eval.ssim(), 4));
        } else {
            quality.putNull("psnr");
            quality.putNull("ssim");
        }
        quality.put("previewView", previewView.name());
        quality.put("previewHeldOut", !trained.dataset().test().isEmpty());

        // The figures a user looks for first, at the top of metrics.json.
        ObjectNode m = ctx.metrics();
        JsonNode sfm = m.path("sfm");
        JsonNode ingest = m.path("ingest");
        m.put("imagesGiven", ingest.path("imagesGiven").asInt());
        m.put("imagesRejected", ingest.path("rejectedImages").size());
        m.put("imagesRegistered", sfm.path("imagesRegistered").asInt());
        m.put("posesSupplied", scene.posesSupplied());
        if (sfm.has("meanReprojectionErrorPx")) m.put("meanReprojectionErrorPx", sfm.get("meanReprojectionErrorPx").asDouble());
        else m.putNull("meanReprojectionErrorPx");
        if (eval != null) {
            m.put("psnr", SfmStage.round(eval.psnr(), 3));
            m.put("ssim", SfmStage.round(eval.ssim(), 4));
        } else {
            m.putNull("psnr");
            m.putNull("ssim");
        }
        m.put("gaussians", trained.model().size());
        ctx.progress().onProgress(Progress.of(NAME, 1, 0, "artifacts written"));
    }

    /** The COLMAP text model SfM wrote, or one made from the supplied poses (no 3D points). */
    private static void writeCameras(SfmStage.Output scene, TrainStage.Output trained, Path dir) throws IOException {
        Files.createDirectories(dir);
        if (scene.colmapModelDir().isPresent() && Files.isRegularFile(scene.colmapModelDir().get().resolve("images.txt"))) {
            for (String f : new String[] {"cameras.txt", "images.txt", "points3D.txt"}) {
                Path src = scene.colmapModelDir().get().resolve(f);
                if (Files.isRegularFile(src)) Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        Map<Intrinsics, Integer> ids = new LinkedHashMap<>();
        List<ColmapTextWriter.ImageEntry> images = new ArrayList<>();
        List<View> views = new ArrayList<>(trained.dataset().train());
        views.addAll(trained.dataset().test());
        views.sort(java.util.Comparator.comparing(View::name));
        for (View v : views) {
            int cam = ids.computeIfAbsent(v.camera().intrinsics(), k -> ids.size() + 1);
            String name = v.name().contains(".") ? v.name() : v.name() + ".png";
            images.add(new ColmapTextWriter.ImageEntry(images.size() + 1, name, cam, v.camera().pose(), new double[0], new long[0]));
        }
        List<ColmapTextWriter.CameraEntry> cameras = new ArrayList<>();
        ids.forEach((k, id) -> cameras.add(new ColmapTextWriter.CameraEntry(id, k)));
        ColmapTextWriter.write(dir, cameras, images, List.of());
    }
}
