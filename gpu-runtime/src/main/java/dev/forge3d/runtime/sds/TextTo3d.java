package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.mesh.GlbWriter;
import dev.forge3d.runtime.mesh.MeshExtractor;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.judge.Judgement;
import dev.forge3d.runtime.sds.judge.ShapeColourJudge;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyWriter;
import dev.forge3d.runtime.splat.io.SplatWriter;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prompt to 3D assets: SDS with a prior, then the exports ({@code model.glb}, {@code scene.ply},
 * {@code scene.splat}, {@code preview.png}, a turntable strip of 8 views) and {@code metrics.json} with timings and
 * the independent judge's reading of the result.
 */
public final class TextTo3d {

    public static final String GLB = "model.glb", PLY = "scene.ply", SPLAT = "scene.splat", PREVIEW = "preview.png", METRICS = "metrics.json";

    /** What a run produced. */
    public record Outcome(SdsTrainer.Result sds, Judgement judgement, TriangleMesh mesh, GaussianModel model, Map<String, Object> metrics) { }

    private TextTo3d() { }

    public static Outcome run(DiffusionPrior prior, String prompt, SdsConfig cfg, Path outDir, ProgressListener listener) {
        return run(prior, prompt, cfg, outDir, listener, true);
    }

    /** As {@link #run(DiffusionPrior, String, SdsConfig, Path, ProgressListener)}; {@code writeMetrics} false leaves {@code metrics.json} to the caller. */
    public static Outcome run(DiffusionPrior prior, String prompt, SdsConfig cfg, Path outDir, ProgressListener listener, boolean writeMetrics) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir, e);
        }
        int threads = cfg.threads;
        SdsTrainer trainer = new SdsTrainer(prior, prompt, cfg, v -> new CpuRasterizer(Math.max(1, threads / 2)));
        SdsTrainer.Result r = trainer.train(listener);
        GaussianModel model = trainer.model();
        listener.checkCancelled();
        listener.onProgress(Progress.of("export", 0, Double.NaN, "mesh"));
        TriangleMesh mesh = MeshExtractor.extract(model, new MeshExtractor.Options(96, 0.5f, 20_000));
        try {
            GlbWriter.write(mesh, outDir.resolve(GLB));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + GLB, e);
        }
        PlyWriter.write(model, outDir.resolve(PLY));
        SplatWriter.write(model, outDir.resolve(SPLAT));
        listener.onProgress(Progress.of("export", 0.4, Double.NaN, "preview"));
        ImageIo.writePng(turntable(model, 8, 128, threads), outDir.resolve(PREVIEW));
        listener.checkCancelled();
        listener.onProgress(Progress.of("export", 0.6, Double.NaN, "judge"));
        Judgement j;
        ShapeColourJudge judge = judge();
        synchronized (judge) {
            j = judge.judge(model);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt.strip());
        m.put("prior", prior.name());
        Map<String, Object> reading = prior.reading(prompt);
        if (!reading.isEmpty()) m.put("promptReading", reading);
        m.put("guidance", r.guidance());
        m.put("seed", cfg.seed);
        m.put("iterations", r.iterations());
        m.put("sdsSeconds", r.seconds());
        m.put("seconds", (System.nanoTime() - start) / 1e9);
        m.put("gaussians", r.gaussians());
        m.put("imageSize", prior.imageSize());
        m.put("viewsPerIteration", cfg.viewsPerIteration);
        m.put("meshVertices", mesh.vertexCount());
        m.put("meshTriangles", mesh.triangleCount());
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("judgedShape", j.shape().word());
        q.put("judgedColour", j.colour() == null ? null : j.colour().word());
        q.put("colourFraction", j.colourFraction());
        q.put("meanRgb", j.meanRgb());
        Map<String, Double> scores = new LinkedHashMap<>();
        j.shapeScores().forEach((s, v) -> scores.put(s.word(), v));
        q.put("shapeIou", scores);
        q.put("viewShapes", j.viewShapes().stream().map(s -> s.word()).toList());
        q.put("viewColours", j.viewColours().stream().map(c -> c == null ? "none" : c.word()).toList());
        q.put("janusFree", j.janusFree());
        m.put("quality", q);
        if (writeMetrics) try {
            Files.writeString(outDir.resolve(METRICS), new ObjectMapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + METRICS, e);
        }
        listener.onProgress(Progress.of("export", 1, 0, "done"));
        return new Outcome(r, j, mesh, model, m);
    }

    private static ShapeColourJudge judge;

    /** The judge's templates take seconds to render: one judge serves every run of the process. */
    private static synchronized ShapeColourJudge judge() {
        if (judge == null) judge = new ShapeColourJudge(1);
        return judge;
    }

    /** {@code views} renders at elevation 20 degrees around the model, side by side. */
    public static RgbImage turntable(GaussianModel model, int views, int size, int threads) {
        RgbImage strip = null;
        try (CpuRasterizer raster = new CpuRasterizer(threads)) {
            for (int i = 0; i < views; i++) {
                OrbitCamera c = new OrbitCamera(20, 360.0 * i / views, 3.3, 45);
                RgbImage img = raster.forward(model, c.camera("preview", size, size), RasterSettings.white()).image().clamped();
                strip = strip == null ? img : strip.besides(img);
            }
        }
        return strip;
    }
}
