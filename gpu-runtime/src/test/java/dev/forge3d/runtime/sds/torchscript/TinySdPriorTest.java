package dev.forge3d.runtime.sds.torchscript;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.Priors;
import dev.forge3d.runtime.sds.SdsConfig;
import dev.forge3d.runtime.sds.SdsTrainer;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real TorchScript prior on the miniature Stable-Diffusion-shaped fixture (scripts/sds/tiny-sd, random weights):
 * the contract the export script and the fixture share, the load-time probe, gradients through the VAE encoder,
 * the batched guidance pass, and SDS with no tensor left behind.
 */
class TinySdPriorTest {

    static TorchScriptDiffusionPrior prior;

    @BeforeAll
    static void load() {
        prior = TorchScriptDiffusionPrior.load(TinySd.dir());
    }

    @AfterAll
    static void close() {
        if (prior != null) prior.close();
    }

    @Test
    void fixtureModulesDeclareTheContractsInputs() {
        for (ModuleContract.Signature sig : ModuleContract.signatures()) {
            assertThat(ModuleContract.declaredInputs(TinySd.dir().resolve(sig.file()))).as(sig.file()).contains(sig.inputNames());
        }
        assertThat(ModuleContract.declaredInputs(TinySd.brokenUnet())).contains(List.of("latents", "text"));
        // the probe ran at load: sizes and dtypes of every output agreed with the contract
        assertThat(prior.textWidth()).isEqualTo(32);
        assertThat(prior.imageSize()).isEqualTo(8 * prior.directory().latentSize());
    }

    /** The export script and the fixture generator both save through sd_contract.export, whose wrappers the contract names. */
    @Test
    void exportScriptAndFixtureShareTheContract() throws IOException {
        Path scripts = TinySd.scripts();
        String contract = Files.readString(scripts.resolve("sd_contract.py"));
        assertThat(contract).contains("module-signatures.json");
        Matcher m = Pattern.compile("class (\\w+)\\(torch\\.nn\\.Module\\):.*?def forward\\(self, ([^)]*)\\):", Pattern.DOTALL).matcher(contract);
        List<List<String>> wrappers = new ArrayList<>();
        while (m.find()) wrappers.add(Stream.of(m.group(2).split(",")).map(String::strip).toList());
        assertThat(wrappers).isEqualTo(ModuleContract.signatures().stream().map(ModuleContract.Signature::inputNames).toList());
        for (String script : List.of("export_sd_torchscript.py", "make_tiny_sd.py")) {
            String src = Files.readString(scripts.resolve(script));
            assertThat(src).as(script).contains("import sd_contract").contains("sd_contract.export(").doesNotContain("torch.jit.trace(Unet");
        }
    }

    @Test
    void aUnetWithoutTimestepIsRefusedNamingTheModule(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture(tmp);
        Files.copy(TinySd.brokenUnet(), dir.resolve("unet.pt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Priors.open(dir.toString())).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("unet.pt in " + dir).hasMessageContaining("does not match the module contract")
                .hasMessageContaining("forward(latents[B,C,h,h] float32, t[B] int64, text[B,L,D] float32)")
                .hasMessageContaining("its forward takes (latents, text)");
    }

    @Test
    void aDecoderThatIsReallyTheEncoderIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture(tmp);
        Files.copy(dir.resolve("vae_encoder.pt"), dir.resolve("vae_decoder.pt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("vae_decoder.pt").hasMessageContaining("its forward takes (images)");
    }

    @Test
    void aWrongLatentSizeInModelJsonIsCaughtByTheProbe(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture(tmp);
        Files.writeString(dir.resolve("model.json"), Files.readString(dir.resolve("model.json"))
                .replace("\"imageSize\": 32", "\"imageSize\": 64"));
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("vae_encoder.pt").hasMessageContaining("returned [1, 4, 8, 8]")
                .hasMessageContaining("the contract says [1, 4, 4, 4]");
    }

    @Test
    void sdsGradientReachesThePixelsThroughTheEncoder() {
        int b = 4, s = prior.imageSize();
        Random r = new Random(3);
        float[] x = new float[b * 3 * s * s];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        float[] eps = new float[b * prior.noiseValuesPerImage()];
        for (int i = 0; i < eps.length; i++) eps[i] = (float) r.nextGaussian();
        int[] t = {100, 400, 700, 950};
        long[] before = prior.unetPasses();
        float[] g = prior.sdsGradient(x, eps, t, prior.encode("a red cube"), 7.5);
        long[] after = prior.unetPasses();
        assertThat(after[0] - before[0]).as("UNet passes for one SDS gradient").isEqualTo(1);
        assertThat(after[1] - before[1]).as("images in that pass: conditional and unconditional").isEqualTo(2L * b);
        assertThat(g).hasSize(x.length);
        double norm = 0;
        int nonZero = 0;
        for (float v : g) {
            assertThat(Float.isFinite(v)).isTrue();
            norm += v * v;
            if (v != 0) nonZero++;
        }
        assertThat(norm).isGreaterThan(0);
        assertThat(nonZero).isGreaterThan(x.length / 2);
        // every image gets its own gradient, and the prompt changes it (the UNet's text input is wired)
        float[] other = prior.sdsGradient(x, eps, t, prior.encode("a blue sphere"), 7.5);
        assertThat(other).isNotEqualTo(g);
        assertThat(prior.openArrays()).isZero();
        // the prior's own share of an iteration: one SDS gradient of 4 views (encoder forward + backward, one UNet pass)
        DiffusionPrior.Conditioning cond = prior.encode("a red cube");
        long t0 = System.nanoTime();
        for (int k = 0; k < 50; k++) prior.sdsGradient(x, eps, t, cond, 7.5);
        System.out.printf("tiny-sd prior: %.2f ms per SDS gradient of 4 views%n", (System.nanoTime() - t0) / 50 / 1e6);
        assertThat(prior.openArrays()).isZero();
        // the encoder's weights are frozen: backward computes no gradient for them
        assertThat(prior.encoderParameters()).isPositive();
        assertThat(prior.encoderParametersWithGradient()).isZero();
    }

    @Test
    void guidedPredictionIsUnconditionalPlusScaledDifference() {
        int per = prior.noiseValuesPerImage();
        Random r = new Random(5);
        float[] z = new float[2 * per];
        for (int i = 0; i < z.length; i++) z[i] = (float) r.nextGaussian();
        int[] t = {300, 800};
        DiffusionPrior.Conditioning c = prior.encode("a green cone");
        float[] eu = prior.predictNoise(z, t, c, 0), ec = prior.predictNoise(z, t, c, 1), g = prior.predictNoise(z, t, c, 7.5);
        for (int k = 0; k < g.length; k++) assertThat((double) g[k]).isCloseTo(eu[k] + 7.5 * (ec[k] - eu[k]), within(1e-4));
        assertThat(ec).isNotEqualTo(eu);
    }

    /** SDS through the real prior: a few hundred iterations, the Gaussians move, and no tensor or native memory piles up. */
    @Test
    void sdsRunsWithoutLeaking() {
        SdsConfig cfg = new SdsConfig();
        cfg.iterations = 300;
        cfg.initGaussians = 400;
        cfg.maxGaussians = 800;
        cfg.threads = 2;
        cfg.seed = 1;
        List<long[]> samples = new ArrayList<>();   // iteration, open arrays, RSS
        ProgressListener probe = p -> {
            double it = p.stats().getOrDefault("iteration", 0.0);
            samples.add(new long[] {(long) it, prior.openArrays(), rssBytes()});
        };
        try (SdsTrainer trainer = new SdsTrainer(prior, "a red cube", cfg, v -> new CpuRasterizer(1))) {
            float[] start = trainer.model().positions().clone();
            float[] startColour = trainer.model().shDc().clone();
            SdsTrainer.Result res = trainer.train(probe);
            assertThat(res.iterations()).isEqualTo(300);
            assertThat(trainer.model().shDc()).isNotEqualTo(startColour);
            float[] end = trainer.model().positions();
            boolean moved = false;
            for (int i = 0; i < Math.min(start.length, end.length); i++) if (Math.abs(start[i] - end[i]) > 1e-6) moved = true;
            assertThat(moved).isTrue();
            for (float v : trainer.model().positions()) assertThat(Float.isFinite(v)).isTrue();
            System.out.printf("tiny-sd SDS: %d iterations in %.1f s = %.1f it/s (4 views of 32x32 per iteration)%n",
                    res.iterations(), res.seconds(), res.iterations() / res.seconds());
        }
        assertThat(samples).isNotEmpty();
        for (long[] s : samples) assertThat(s[1]).as("open tensors at iteration " + s[0]).isZero();
        long[] early = samples.stream().filter(s -> s[0] >= 60).findFirst().orElse(samples.getFirst()), last = samples.getLast();
        long growth = last[2] - early[2];
        System.out.printf("tiny-sd SDS: RSS %d MB at iteration %d, %d MB at %d%n", early[2] >> 20, early[0], last[2] >> 20, last[0]);
        assertThat(growth).as("resident memory growth from iteration " + early[0] + " to " + last[0]).isLessThan(96L << 20);
    }

    /**
     * Where Debian's python3-torch (the version the fixture was made with) is installed, the generator run again gives
     * the committed modules (every archive entry but the debug info, which holds source paths): a change to
     * sd_contract.py or make_tiny_sd.py that is not followed by a regenerated, committed fixture fails here. Skips
     * elsewhere (CI has no torch).
     */
    @Test
    void regeneratedFixtureIsTheCommittedOne(@TempDir Path tmp) throws Exception {
        String recorded = new tools.jackson.databind.ObjectMapper().readTree(TinySd.dir().resolve("model.json").toFile()).path("torch").asString();
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        String version;
        try {
            Process v = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true).start();
            version = new String(v.getInputStream().readAllBytes()).strip();
            v.waitFor();
            assumeTrue(v.exitValue() == 0, "no python3 with torch here: skipping the regeneration check");
        } catch (IOException e) {
            assumeTrue(false, "no python3 here: skipping the regeneration check");
            return;
        }
        assumeTrue(version.equals(recorded), "python3's torch is " + version + ", the fixture was made with " + recorded + ": skipping");
        Process gen = new ProcessBuilder(python, TinySd.scripts().resolve("make_tiny_sd.py").toString(),
                "--out", tmp.resolve("a").toString(), "--broken-out", tmp.resolve("b").toString()).redirectErrorStream(true).start();
        String log = new String(gen.getInputStream().readAllBytes());
        assertThat(gen.waitFor()).as(log).isZero();
        for (String f : ModelDirectory.FILES) {
            Path mine = tmp.resolve("a").resolve(f), committed = TinySd.dir().resolve(f);
            if (f.endsWith(".pt")) assertThat(entries(mine)).as(f).isEqualTo(entries(committed));
            else assertThat(Files.readString(mine)).as(f).isEqualTo(Files.readString(committed));
        }
        assertThat(entries(tmp.resolve("b/unet.pt"))).isEqualTo(entries(TinySd.brokenUnet()));
    }

    /** A TorchScript archive's entries without the debug info (source paths and line numbers). */
    static java.util.Map<String, String> entries(Path archive) throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(archive.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                if (e.getName().endsWith(".debug_pkl")) continue;
                try (var in = z.getInputStream(e)) {
                    out.put(e.getName(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
                } catch (java.security.NoSuchAlgorithmException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return out;
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException ignored) {
            // not Linux: no figure
        }
        return 0;
    }

    static Path copyFixture(Path tmp) throws IOException {
        Path dir = tmp.resolve("sd");
        Files.createDirectories(dir);
        for (String f : ModelDirectory.FILES) Files.copy(TinySd.dir().resolve(f), dir.resolve(f));
        return dir;
    }
}
