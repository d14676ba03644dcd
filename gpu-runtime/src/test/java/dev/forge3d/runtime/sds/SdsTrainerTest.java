package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.sds.builtin.BuiltinDiffusionPrior;
import dev.forge3d.runtime.sds.judge.Judgement;
import dev.forge3d.runtime.sds.judge.ShapeColourJudge;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Score distillation with the committed built-in prior on tiny budgets. */
class SdsTrainerTest {

    static BuiltinDiffusionPrior prior;

    @BeforeAll
    static void load() { prior = BuiltinDiffusionPrior.loadBundled(); }

    @AfterAll
    static void close() { prior.close(); }

    static SdsConfig tiny(long seed, int iterations) {
        SdsConfig c = new SdsConfig();
        c.seed = seed;
        c.iterations = iterations;
        c.viewsPerIteration = 2;
        c.initGaussians = 600;
        c.threads = 1;
        return c;
    }

    static GaussianModel distil(String prompt, SdsConfig cfg) {
        try (SdsTrainer t = new SdsTrainer(prior, prompt, cfg, v -> new CpuRasterizer(1))) {
            t.train(p -> { });
            return t.model();
        }
    }

    static Path findUp(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) return d.resolve(relative);
        }
        return null;
    }

    /** Mean colour of the opaque pixels over four views around the model. */
    static float[] foreground(GaussianModel m) {
        double[] sum = new double[3];
        int n = 0;
        try (CpuRasterizer r = new CpuRasterizer(1)) {
            for (int az = 0; az < 360; az += 90) {
                RenderResult res = r.forward(m, new OrbitCamera(20, az, 3.3, 45).camera("t", 48, 48), RasterSettings.white());
                float[] a = res.alpha(), rgb = res.rgb();
                int px = a.length;
                for (int p = 0; p < px; p++) {
                    if (a[p] < 0.8f) continue;
                    for (int k = 0; k < 3; k++) sum[k] += (rgb[k * px + p] - (1 - a[p])) / a[p];
                    n++;
                }
            }
        }
        assertThat(n).as("opaque pixels").isGreaterThan(50);
        return new float[] {(float) (sum[0] / n), (float) (sum[1] / n), (float) (sum[2] / n)};
    }

    @Test
    void theGreySphereTakesThePromptsColour() {
        float[] start = foreground(SdsTrainer.initialSphere(600, 0.6, 0.4f, new java.util.Random(5)));
        assertThat(Math.abs(start[0] - start[2])).isLessThan(0.05f);
        float[] red = foreground(distil("a red cube", tiny(5, 80)));
        float[] blue = foreground(distil("a blue cube", tiny(5, 80)));
        assertThat(red[0] - (red[1] + red[2]) / 2).as("red run " + java.util.Arrays.toString(red)).isGreaterThan(0.15f);
        assertThat(blue[2] - (blue[0] + blue[1]) / 2).as("blue run " + java.util.Arrays.toString(blue)).isGreaterThan(0.15f);
    }

    /** The shape comes from the prompt too: the grey ball becomes a cone or a ring, as the independent judge sees it. */
    @Test
    void theSphereTakesThePromptsShape() {
        try (ShapeColourJudge judge = new ShapeColourJudge(1)) {
            for (String prompt : new String[] {"a green cone", "a blue torus"}) {
                SdsConfig cfg = new SdsConfig();
                cfg.iterations = 600;
                cfg.threads = 1;
                Judgement j = judge.judge(distil(prompt, cfg));
                String expected = prompt.substring(prompt.lastIndexOf(' ') + 1);
                assertThat(j.shape().word()).as(prompt + ": " + j.shapeScores()).isEqualTo(expected);
                assertThat(j.colour().word()).as(prompt).isEqualTo(prompt.split(" ")[1]);
            }
        }
    }

    @Test
    void coloursStayInTheRangeThePriorWasTrainedOn() {
        SdsConfig bounded = tiny(4, 150), unbounded = tiny(4, 150);
        unbounded.boundColours = false;
        assertThat(maxChannel(distil("a blue cube", unbounded))).as("guidance pushes blue past 1 when free").isGreaterThan(1.02f);
        GaussianModel m = distil("a blue cube", bounded);
        assertThat(maxChannel(m)).isLessThanOrEqualTo(1.0001f);
        assertThat(minChannel(m)).isGreaterThanOrEqualTo(-0.0001f);
    }

    private static float maxChannel(GaussianModel m) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < 3 * m.size(); k++) max = Math.max(max, 0.5f + GaussianModel.SH_C0 * m.shDc()[k]);
        return max;
    }

    private static float minChannel(GaussianModel m) {
        float min = Float.POSITIVE_INFINITY;
        for (int k = 0; k < 3 * m.size(); k++) min = Math.min(min, 0.5f + GaussianModel.SH_C0 * m.shDc()[k]);
        return min;
    }

    /** One iteration leaves the grey ball, which the prior does not read as a red cone: every attempt is spent. */
    @Test
    void aFailedSelfCheckTriesOtherSeedsAndKeepsTheRunTheCheckLikesBest(@TempDir Path dir) throws Exception {
        TextTo3d.Outcome o = TextTo3d.run(prior, "a crimson cone", tiny(3, 1), dir, p -> { });
        assertThat(o.attempts()).extracting(TextTo3d.Attempt::seed).containsExactly(3L, 3L + 1_000_003L, 3L + 2_000_006L);
        // the retries are conditioned on the intended reading in the prior's own words
        assertThat(o.attempts()).extracting(TextTo3d.Attempt::prompt).containsExactly("a crimson cone", "a red cone", "a red cone");
        assertThat(o.attempts()).allSatisfy(a -> assertThat(a.check().passed()).as(a.check().toString()).isFalse());
        double best = o.attempts().stream().mapToDouble(a -> a.check().margin()).max().orElseThrow();
        assertThat(o.selfCheck().margin()).isEqualTo(best);
        tools.jackson.databind.JsonNode m = new tools.jackson.databind.ObjectMapper().readTree(dir.resolve(TextTo3d.METRICS).toFile());
        assertThat(m.get("attempts").size()).isEqualTo(3);
        int kept = 0;
        for (tools.jackson.databind.JsonNode a : m.get("attempts")) kept += a.get("kept").asBoolean() ? 1 : 0;
        assertThat(kept).isEqualTo(1);
        assertThat(m.get("seed").asLong()).isEqualTo(o.kept().seed());
        assertThat(m.get("selfCheck").get("passed").asBoolean()).isFalse();
    }

    @Test
    void oneAttemptOrATimeBudgetSpentByTheFirstRunMeansNoRetry(@TempDir Path dir) {
        SdsConfig once = tiny(3, 1);
        once.attempts = 1;
        assertThat(TextTo3d.run(prior, "a red cone", once, dir.resolve("once"), p -> { }).attempts()).hasSize(1);
        SdsConfig timed = tiny(3, 0);
        timed.maxSeconds = 0.3;   // a few iterations: still the grey ball, which fails the check
        TextTo3d.Outcome o = TextTo3d.run(prior, "a red cone", timed, dir.resolve("timed"), p -> { });
        assertThat(o.attempts()).hasSize(1);
        assertThat(o.attempts().getFirst().check().passed()).isFalse();
    }

    @Test
    void aConfigCopyHasEveryField() throws Exception {
        SdsConfig c = new SdsConfig();
        for (java.lang.reflect.Field f : SdsConfig.class.getFields()) {
            if (f.getType() == int.class) f.setInt(c, f.getInt(c) + 7);
            else if (f.getType() == long.class) f.setLong(c, f.getLong(c) + 7);
            else if (f.getType() == double.class) f.setDouble(c, f.getDouble(c) + 0.5);
            else if (f.getType() == boolean.class) f.setBoolean(c, !f.getBoolean(c));
        }
        SdsConfig copy = c.copy();
        for (java.lang.reflect.Field f : SdsConfig.class.getFields()) {
            assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(c));
        }
    }

    @Test
    void sameSeedSameModel() {
        GaussianModel a = distil("a yellow cone", tiny(9, 15)), b = distil("a yellow cone", tiny(9, 15));
        assertThat(a.size()).isEqualTo(b.size());
        assertThat(a.positions()).startsWith(java.util.Arrays.copyOf(b.positions(), 3 * b.size()));
        assertThat(java.util.Arrays.copyOf(a.shDc(), 3 * a.size())).isEqualTo(java.util.Arrays.copyOf(b.shDc(), 3 * b.size()));
    }

    @Test
    void aLongerTimeBudgetRunsTheSameConvergedSchedule() {
        // More time never stretches the schedule: with iterations set (the default 2000, also beside a time budget) and
        // time to spare, the run is the iteration-bounded one, Gaussian for Gaussian.
        SdsConfig timed = tiny(9, 15);
        timed.maxSeconds = 600;
        GaussianModel a = distil("a yellow cone", tiny(9, 15)), b = distil("a yellow cone", timed);
        assertThat(b.size()).isEqualTo(a.size());
        assertThat(java.util.Arrays.copyOf(b.positions(), 3 * b.size())).isEqualTo(java.util.Arrays.copyOf(a.positions(), 3 * a.size()));
    }

    @Test
    void textTo3dWritesAssetsAndTheGlbValidates(@TempDir Path dir) throws Exception {
        TextTo3d.Outcome o = TextTo3d.run(prior, "a tangerine doughnut", tiny(2, 40), dir, p -> { });
        for (String f : new String[] {TextTo3d.GLB, TextTo3d.PLY, TextTo3d.SPLAT, TextTo3d.PREVIEW, TextTo3d.METRICS}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        assertThat(o.mesh().triangleCount()).isGreaterThan(20);
        String metrics = Files.readString(dir.resolve(TextTo3d.METRICS));
        assertThat(metrics).contains("\"prior\"", "\"guidance\"", "\"judgedShape\"", "\"janusFree\"");
        // how the prior read the prompt: both words through WordNet
        tools.jackson.databind.JsonNode reading = new tools.jackson.databind.ObjectMapper().readTree(metrics).get("promptReading");
        assertThat(reading.get("shape").asString()).isEqualTo("torus");
        assertThat(reading.get("shapeFromWord").asString()).isEqualTo("doughnut");
        assertThat(reading.get("colour").asString()).isEqualTo("orange");
        assertThat(reading.get("colourFromWord").asString()).isEqualTo("tangerine");
        assertThat(reading.get("colourProbability").asDouble()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        tools.jackson.databind.JsonNode root = new tools.jackson.databind.ObjectMapper().readTree(metrics);
        assertThat(root.get("selfCheck").get("intended").asString()).isEqualTo("orange torus");
        assertThat(root.get("attempts").size()).isEqualTo(o.attempts().size()).isBetween(1, 3);
        Path script = findUp("scripts/gltf/validate-glb.mjs");
        assumeTrue(script != null && Files.isDirectory(script.getParent().resolve("node_modules/gltf-validator")),
                "Khronos gltf-validator not installed: run `npm ci --prefix scripts/gltf` to validate the GLB");
        Process p = new ProcessBuilder("node", script.toString(), dir.resolve(TextTo3d.GLB).toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("\"numErrors\":0");
    }
}
