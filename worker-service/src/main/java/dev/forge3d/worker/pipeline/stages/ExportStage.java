package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ProductAssets;
import dev.forge3d.runtime.asset.Similarity;
import dev.forge3d.runtime.asset.ViewMasks;
import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.dataset.colmap.ColmapTextWriter;
import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.mesh.GlbWriter;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SplatWriter;
import dev.forge3d.runtime.splat.io.SpzWriter;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import dev.forge3d.runtime.splat.train.Evaluation;
import dev.forge3d.worker.pipeline.Stage;
import dev.forge3d.worker.pipeline.StageContext;
import dev.forge3d.worker.pipeline.StageFailedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the job's artifacts: the web-ready assets of {@link ProductAssets} ({@code model.glb}, and the object's
 * Gaussians, upright, as {@code scene.ply} (Inria 3DGS layout), {@code scene.splat} and {@code scene.spz}, as the
 * job's {@code outputFormats} ask), {@code cameras/} (a COLMAP text model of the training cameras), {@code preview.png}
 * (a render from the first held-out view, or the first training view when none was held out) and the quality
 * figures for {@code metrics.json} (held-out PSNR and SSIM, Gaussian count, images registered, reprojection
 * error). The runner writes {@code metrics.json} itself after this stage, so it holds every stage's seconds.
 */
public final class ExportStage implements Stage {

    public static final String NAME = "export";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        PhotoJobOptions options = ctx.shared(IngestStage.OPTIONS, PhotoJobOptions.class).orElseThrow();
        Evaluation.Result eval;
        View previewView;
        SfmStage.Output scene = ctx.shared(SfmStage.OUTPUT, SfmStage.Output.class).orElseThrow();
        TrainStage.Output trained = ctx.shared(TrainStage.OUTPUT, TrainStage.Output.class)
                .orElseThrow(() -> new IllegalStateException("the train stage did not run"));
        Path out = ctx.outputDir();
        int threads = Math.max(1, ctx.job().capabilities().threads());
        RasterSettings settings = new RasterSettings(trained.background());
        try (CpuRasterizer raster = new CpuRasterizer(threads)) {
            Delivered delivered = deliver(ctx, options, scene, trained, raster);
            writeCameras(scene, trained, out.resolve("cameras"));
            ctx.progress().onProgress(Progress.of(NAME, 0.8, Double.NaN, "rendering the preview and held-out views"));
            List<View> heldOut = trained.dataset().test();
            eval = heldOut.isEmpty() ? null : Evaluation.evaluate(trained.model(), heldOut, raster, settings);
            ctx.progress().checkCancelled();
            previewView = heldOut.isEmpty() ? trained.dataset().train().get(0) : heldOut.get(0);
            // The preview shows what was delivered (the object alone when cropped), from the preview photo's camera.
            Camera cam = inModelFrame(previewView.camera(), delivered.modelFromScene());
            ImageIo.writePng(raster.forward(delivered.gaussians(), cam, settings).image(), out.resolve("preview.png"));
            ObjectNode pc = ctx.metrics().putObject("previewCamera");
            pc.put("view", previewView.name());
            pc.put("width", cam.width()).put("height", cam.height());
            pc.put("fx", cam.intrinsics().fx()).put("fy", cam.intrinsics().fy());
            pc.put("cx", cam.intrinsics().cx()).put("cy", cam.intrinsics().cy());
            var w2c = pc.putArray("worldToCamera");
            double[] r = cam.pose().r(), t = cam.pose().t();
            for (int i = 0; i < 3; i++) {
                w2c.add(r[3 * i]).add(r[3 * i + 1]).add(r[3 * i + 2]).add(t[i]);
            }
            w2c.add(0).add(0).add(0).add(1);
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

    /** The splat and mesh as delivered: the object alone and upright unless crop=none. */
    private record Delivered(GaussianModel gaussians, Similarity modelFromScene) { }

    private static Delivered deliver(StageContext ctx, PhotoJobOptions options, SfmStage.Output scene, TrainStage.Output trained,
                                     CpuRasterizer raster) throws IOException {
        Path out = ctx.outputDir();
        Set<String> formats = options.outputFormats();
        ObjectNode files = ctx.metrics().putObject("files");
        GaussianModel gaussians = trained.model();
        Similarity modelFromScene = Similarity.identity();
        boolean needAssets = formats.contains("glb") || options.crop() == PhotoJobOptions.Crop.AUTO;
        if (needAssets) {
            long t0 = System.nanoTime();
            ProductAssets.Options asked = AssetOptions.of(options, scene.posesSupplied());
            if (!formats.contains("glb")) asked = asked.withTextureSize(0); // only the crop is needed: no texture to bake
            ProductAssets.Result assets = buildAssets(ctx, asked, trained, raster);
            if (assets == null) {
                ctx.metrics().put("meshSeconds", SfmStage.round((System.nanoTime() - t0) / 1e9, 2));
                return writeSplats(ctx, formats, gaussians, modelFromScene);
            }
            gaussians = assets.gaussians();
            modelFromScene = assets.modelFromScene();
            ctx.metrics().set("crop", MAPPER.valueToTree(assets.decisions()));
            if (formats.contains("glb")) {
                ObjectNode mesh = ctx.metrics().putObject("mesh");
                mesh.put("triangles", assets.mesh().triangleCount());
                if (assets.textured() != null) {
                    GlbWriter.write(assets.textured(), out.resolve("model.glb"));
                    mesh.put("vertices", assets.textured().vertexCount());
                    mesh.put("colour", "texture");
                    mesh.put("textureSize", assets.textured().textureSize());
                    mesh.put("textureBytes", assets.textured().image().length);
                } else {
                    GlbWriter.write(assets.mesh(), out.resolve("model.glb"));
                    mesh.put("vertices", assets.mesh().vertexCount());
                    mesh.put("colour", "vertex");
                    mesh.putNull("textureSize");
                }
                files.put("model.glb", Files.size(out.resolve("model.glb")));
            }
            ctx.metrics().put("meshSeconds", SfmStage.round((System.nanoTime() - t0) / 1e9, 2));
        }
        return writeSplats(ctx, formats, gaussians, modelFromScene);
    }

    /**
     * The assets as asked; when the object cannot be meshed, the whole scene; when nothing can be meshed, null, and
     * metrics.json says why (the splat is still delivered: a missing mesh alone does not fail the job).
     */
    private static ProductAssets.Result buildAssets(StageContext ctx, ProductAssets.Options asked, TrainStage.Output trained,
                                                    CpuRasterizer raster) {
        IngestStage.Output ingest = ctx.shared(IngestStage.OUTPUT, IngestStage.Output.class).orElseThrow();
        boolean estimated = ingest.masksEstimated();
        // the coverage the training images were composited with (undistorted with them in a photos-only job)
        List<float[]> masks = ViewMasks.coverageOf(trained.dataset().train());
        try {
            return ProductAssets.build(trained.model(), trained.dataset().train(), masks, estimated, asked, raster, ctx.progress());
        } catch (IllegalStateException | IllegalArgumentException first) {
            RuntimeException e = first;
            if (asked.crop() == ProductAssets.Crop.AUTO) {
                ProductAssets.Options whole = asked.withCrop(ProductAssets.Crop.NONE);
                try {
                    ProductAssets.Result r = ProductAssets.build(trained.model(), trained.dataset().train(), masks, estimated,
                            whole, raster, ctx.progress());
                    r.decisions().put("requested", "auto");
                    r.decisions().put("fallback", "the object could not be meshed: " + first.getMessage());
                    return r;
                } catch (IllegalStateException | IllegalArgumentException again) {
                    e = again;
                }
            }
            ctx.metrics().putObject("mesh").put("skipped", "no mesh could be made: " + e.getMessage());
            return null;
        }
    }

    private static Delivered writeSplats(StageContext ctx, Set<String> formats, GaussianModel gaussians, Similarity modelFromScene)
            throws IOException {
        Path out = ctx.outputDir();
        ObjectNode files = (ObjectNode) ctx.metrics().get("files");
        ctx.progress().checkCancelled();
        ctx.progress().onProgress(Progress.of(NAME, 0.7, Double.NaN, "writing the splat"));
        ctx.metrics().put("gaussiansDelivered", gaussians.size());
        if (formats.contains("ply")) {
            PlyWriter.write(gaussians, out.resolve("scene.ply"));
            files.put("scene.ply", Files.size(out.resolve("scene.ply")));
        }
        if (formats.contains("spz")) {
            // SPZ's axes are glTF's (right, up, back): the delivered frame already is, so nothing is flipped.
            SpzWriter.write(gaussians, out.resolve("scene.spz"));
            files.put("scene.spz", Files.size(out.resolve("scene.spz")));
        }
        if (formats.contains("splat")) {
            SplatWriter.write(gaussians, out.resolve("scene.splat"));
            files.put("scene.splat", Files.size(out.resolve("scene.splat")));
        }
        return new Delivered(gaussians, modelFromScene);
    }

    /** The camera that sees the model frame as {@code camera} sees the scene: x_model = s R x_scene + t. */
    static Camera inModelFrame(Camera camera, Similarity modelFromScene) {
        Similarity inv = modelFromScene.inverse(); // x_scene = (1/s) R^T (x_model - t)
        double[] rc = camera.pose().r(), tc = camera.pose().t(), ri = inv.r(), ti = inv.t();
        double s = modelFromScene.scale();
        // x_cam * s = s R_c (inv(x_model)) + s t_c: a rigid map once the depth is scaled by s, which projection ignores
        double[] r = new double[9], t = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) r[3 * i + j] = s * inv.scale() * (rc[3 * i] * ri[j] + rc[3 * i + 1] * ri[3 + j] + rc[3 * i + 2] * ri[6 + j]);
            t[i] = s * (rc[3 * i] * ti[0] + rc[3 * i + 1] * ti[1] + rc[3 * i + 2] * ti[2] + tc[i]);
        }
        return new Camera(camera.name(), camera.intrinsics(), new Pose(r, t));
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
