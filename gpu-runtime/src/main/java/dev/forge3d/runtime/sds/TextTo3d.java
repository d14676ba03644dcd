package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.mesh.GlbWriter;
import dev.forge3d.runtime.mesh.MeshExtractor;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.judge.Judgement;
import dev.forge3d.runtime.sds.surface.OuterSurface;
import dev.forge3d.runtime.sds.judge.ShapeColourJudge;
import dev.forge3d.runtime.sds.selfcheck.DiffusionClassifier;
import dev.forge3d.runtime.sds.selfcheck.Readings;
import dev.forge3d.runtime.sds.selfcheck.SelfCheck;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A prompt to 3D assets: SDS with a prior (while the prior's self-check reads the result as a rival reading and the
 * budget allows, another run with another seed, conditioned on the intended reading in the prior's own words; the run
 * the check reads best is kept), then the exports ({@code model.glb}, {@code scene.ply},
 * {@code scene.splat}, {@code preview.png}, a turntable strip of 8 views) and {@code metrics.json} with timings and
 * the independent judge's reading of the result.
 */
public final class TextTo3d {

    public static final String GLB = "model.glb", PLY = "scene.ply", SPLAT = "scene.splat", PREVIEW = "preview.png", METRICS = "metrics.json";

    /** Stage names of the reports after each SDS run ({@link SdsTrainer#STAGE}) and at the end. */
    public static final String SELF_CHECK_STAGE = "self-check", EXPORT_STAGE = "export";
    /** Progress stat: which SDS attempt (1-based) an {@code sds} or {@code self-check} report belongs to. */
    public static final String ATTEMPT_STAT = "attempt";
    /** Progress stat: the most attempts the request may run ({@link SdsConfig#attempts}). */
    public static final String ATTEMPTS_STAT = "attempts";

    /** What a run produced. */
    public record Outcome(SdsTrainer.Result sds, Judgement judgement, TriangleMesh mesh, GaussianModel model, List<Attempt> attempts,
                          Map<String, Object> metrics) {
        /** The attempt whose model was exported. */
        public Attempt kept() {
            return attempts.stream().filter(a -> a.model() == model).findFirst().orElseThrow();
        }

        /** The self-check of the kept attempt (null where the prior offers no rival readings). */
        public SelfCheck selfCheck() { return kept().check(); }
    }

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
        Optional<Readings> readings = prior.readings(prompt);
        DiffusionClassifier classifier = new DiffusionClassifier(prior, cfg.selfCheckViews, cfg.selfCheckNoises, threads);
        List<Attempt> attempts = new ArrayList<>();
        Attempt best = null;
        double sdsSeconds = 0;
        for (int a = 0; a < cfg.attempts; a++) {
            if (a > 0) {
                // another run only when the check has something to compare and the last run was not good enough
                if (best.check() == null || best.check().margin() > cfg.selfCheckAccept) break;
                double lastSeconds = attempts.getLast().sds().seconds();
                if (cfg.maxSeconds > 0 && sdsSeconds + lastSeconds > cfg.maxSeconds) break;
            }
            SdsConfig attemptCfg = cfg.copy();
            attemptCfg.seed = cfg.attemptSeed(a);
            if (cfg.maxSeconds > 0) attemptCfg.maxSeconds = Math.max(1e-3, cfg.maxSeconds - sdsSeconds);
            SdsTrainer.Result r;
            GaussianModel trained;
            // A retry also commits to the intended reading: where the prompt left the prior unsure (a shape at 0.65),
            // the first run was conditioned on a blend, and another seed of the same blend gives the same object.
            String attemptPrompt = a == 0 || readings.isEmpty() ? prompt : readings.get().intendedPrompt();
            try (SdsTrainer trainer = new SdsTrainer(prior, attemptPrompt, attemptCfg, v -> new CpuRasterizer(Math.max(1, threads / 2)))) {
                r = trainer.train(labelled(listener, a == 0 ? "" : "attempt " + (a + 1) + "/" + cfg.attempts + "  ", a + 1, cfg.attempts));
                trained = trainer.model();
            }
            sdsSeconds += r.seconds();
            listener.checkCancelled();
            SelfCheck check = null;
            if (readings.isPresent()) {
                ProgressListener checkProgress = labelled(listener, "", a + 1, cfg.attempts);
                checkProgress.onProgress(Progress.of(SELF_CHECK_STAGE, 0, Double.NaN, "reading the object back as " + readings.get().intendedLabel()));
                check = classifier.check(trained, readings.get(), cfg.seed ^ SELF_CHECK_SEED);
                checkProgress.onProgress(Progress.of(SELF_CHECK_STAGE, 1, 0, String.format(Locale.ROOT, "%s: margin %+.3f%s",
                        check.passed() ? "passed" : "failed", check.margin(), check.passed() ? "" : ", read as " + check.aspectWinners().values())));
            }
            Attempt attempt = new Attempt(attemptCfg.seed, attemptPrompt, r, trained, check);
            attempts.add(attempt);
            if (best == null || (check != null && check.margin() > best.check().margin())) best = attempt;
        }
        SdsTrainer.Result r = best.sds();
        GaussianModel model = best.model();
        listener.checkCancelled();
        listener.onProgress(Progress.of(EXPORT_STAGE, 0, Double.NaN, "mesh"));
        TriangleMesh mesh;
        Map<String, Object> cleaning = new LinkedHashMap<>();
        try {
            OuterSurface.Result surface = OuterSurface.extract(model, OuterSurface.Options.defaults(), prior.background(), threads);
            mesh = surface.mesh();
            // what the outer-surface cleaning removed: solid pieces seen, floater and filled-cavity grid samples
            cleaning.put("hullPieces", surface.hullPieces());
            cleaning.put("floaterSamples", surface.floaterSamples());
            cleaning.put("filledCavitySamples", surface.filledCavitySamples());
            cleaning.put("whiteContrast", surface.whiteContrast());
        } catch (IllegalStateException e) {
            // Nothing is opaque from enough views (a faint, barely trained model): the density iso-surface, as before,
            // rather than no asset; it throws in turn when even that is empty.
            mesh = MeshExtractor.extract(model, new MeshExtractor.Options(96, 0.5f, 20_000));
            cleaning.put("fallback", "density iso-surface: " + e.getMessage());
        }
        try {
            GlbWriter.write(mesh, outDir.resolve(GLB));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + GLB, e);
        }
        PlyWriter.write(model, outDir.resolve(PLY));
        SplatWriter.write(model, outDir.resolve(SPLAT));
        listener.onProgress(Progress.of(EXPORT_STAGE, 0.4, Double.NaN, "preview"));
        ImageIo.writePng(turntable(model, 8, 128, threads), outDir.resolve(PREVIEW));
        listener.checkCancelled();
        listener.onProgress(Progress.of(EXPORT_STAGE, 0.6, Double.NaN, "judge"));
        Judgement j;
        ShapeColourJudge judge = judge();
        synchronized (judge) {
            j = judge.judge(model);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt.strip());
        m.put("prior", prior.name());
        Map<String, Object> runtime = prior.runtime();
        if (!runtime.isEmpty()) m.put("priorRuntime", runtime);
        Map<String, Object> reading = prior.reading(prompt);
        if (!reading.isEmpty()) m.put("promptReading", reading);
        m.put("guidance", r.guidance());
        m.put("seed", best.seed());              // the kept attempt's; attempt 1 uses the requested seed
        m.put("requestedSeed", cfg.seed);
        m.put("iterations", r.iterations());
        m.put("sdsSeconds", sdsSeconds);
        m.put("seconds", (System.nanoTime() - start) / 1e9);
        m.put("gaussians", r.gaussians());
        m.put("imageSize", prior.imageSize());
        m.put("viewsPerIteration", cfg.viewsPerIteration);
        m.put("meshVertices", mesh.vertexCount());
        m.put("meshTriangles", mesh.triangleCount());
        m.put("meshCleaning", cleaning);
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
        if (best.check() != null) m.put("selfCheck", selfCheckFigures(best.check()));
        else m.put("selfCheckSkipped", SELF_CHECK_SKIPPED);
        List<Map<String, Object>> tried = new ArrayList<>();
        for (Attempt a : attempts) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("seed", a.seed());
            t.put("prompt", a.prompt());
            t.put("iterations", a.sds().iterations());
            t.put("seconds", a.sds().seconds());
            if (a.check() != null) {
                t.put("selfCheckPassed", a.check().passed());
                t.put("selfCheckMargin", a.check().margin());
                t.put("readAs", a.check().aspectWinners());
            }
            t.put("kept", a == best);
            tried.add(t);
        }
        m.put("attempts", tried);
        if (writeMetrics) try {
            Files.writeString(outDir.resolve(METRICS), new ObjectMapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + METRICS, e);
        }
        listener.onProgress(Progress.of(EXPORT_STAGE, 1, 0, "done"));
        return new Outcome(r, j, mesh, model, List.copyOf(attempts), m);
    }

    /**
     * One SDS run of a text-to-3d request: its seed, the prompt it was conditioned on (the request's, or for a retry the
     * intended reading in the prior's words) and the prior's self-check of its result (null without rival readings).
     */
    public record Attempt(long seed, String prompt, SdsTrainer.Result sds, GaussianModel model, SelfCheck check) { }

    /** Why an open-vocabulary prior (an exported Stable Diffusion) is not self-checked and runs one attempt. */
    public static final String SELF_CHECK_SKIPPED = "the prior has an open vocabulary: it names no rival readings to read the object back "
            + "against, so the self-check does not apply and one SDS attempt runs; the judge's shape and colour (quality) know only "
            + "5 primitives and 8 colours and say nothing about other prompts";

    /** Mixed into the request's seed for the self-check's views and noise (the same for every attempt: paired). */
    private static final long SELF_CHECK_SEED = 0x5E1FC4ECL;

    /**
     * Adds the attempt to each report: {@code prefix} to the message, and the figures {@value #ATTEMPT_STAT} (1-based)
     * and {@value #ATTEMPTS_STAT} (the most that may run) to its stats, so that a caller can place the attempt's
     * {@code sds} and {@code self-check} progress within the whole request.
     */
    private static ProgressListener labelled(ProgressListener listener, String prefix, int attempt, int attempts) {
        return new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                Map<String, Double> stats = new LinkedHashMap<>(p.stats());
                stats.put(ATTEMPT_STAT, (double) attempt);
                stats.put(ATTEMPTS_STAT, (double) attempts);
                listener.onProgress(new Progress(p.stage(), p.fraction(), p.etaSeconds(), prefix + p.message(), stats));
            }

            @Override
            public boolean cancelRequested() { return listener.cancelRequested(); }
        };
    }

    private static Map<String, Object> selfCheckFigures(SelfCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intended", c.intendedLabel());
        m.put("passed", c.passed());
        m.put("margin", c.margin());
        m.put("aspectMargins", c.aspectMargins());
        m.put("readAs", c.aspectWinners());
        m.put("intendedError", c.intendedError());
        m.put("rivalErrors", c.rivalErrors());
        m.put("seconds", c.seconds());
        return m;
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
