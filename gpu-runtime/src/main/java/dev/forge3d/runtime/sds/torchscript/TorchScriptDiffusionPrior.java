package dev.forge3d.runtime.sds.torchscript;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.NoiseSchedule;
import dev.forge3d.runtime.sds.PriorDevice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The production prior: a Stable Diffusion-class model exported to TorchScript ({@link ModelDirectory}) run by
 * DJL's PyTorch engine on the device {@link PriorDevice} picks. Score distillation happens in latent space as in
 * DreamFusion-with-SD / threestudio: the rendered images are encoded by the VAE encoder with autograd on, the latents
 * noised, one batched UNet pass (conditional and unconditional halves) gives the guided ε̂, {@code w(t) (ε̂ - ε)} on
 * the latents is carried back to the pixels by the VAE encoder's vector-Jacobian product. Module signatures are
 * {@link ModuleContract}'s; every module is probed against them when the folder is loaded, so a mismatched export
 * fails at start-up with the module and the mismatch named.
 *
 * <p>Autograd: DJL loads TorchScript modules for inference (their weights become inference tensors, which autograd
 * refuses to save: "Inference tensors cannot be saved for backward"). The VAE encoder is therefore loaded with DJL's
 * {@code trainParam} option and its parameters frozen again, so its weights are ordinary tensors that need no gradient
 * and backward reaches only the images. The other modules run in inference mode.
 *
 * <p>Memory: every call works inside a sub-manager of the prior's manager that is closed before it returns, so no
 * tensor outlives the call ({@link #openArrays()}).
 */
public final class TorchScriptDiffusionPrior implements DiffusionPrior {

    private final ModelDirectory dir;
    private final PriorDevice device;
    private final List<ZooModel<NDList, NDList>> models = new ArrayList<>();
    private ZooModel<NDList, NDList> textEncoder, unet, vaeEncoder, vaeDecoder;
    private final HuggingFaceTokenizer tokenizer;
    private NDManager manager;
    private final NoiseSchedule schedule;
    private long textWidth;
    private long unetPasses, unetImages;

    private TorchScriptDiffusionPrior(ModelDirectory dir, PriorDevice device) {
        this.dir = dir;
        this.device = device;
        schedule = dir.schedule().equals("scaled_linear")
                ? NoiseSchedule.scaledLinear(dir.steps(), dir.betaStart(), dir.betaEnd())
                : NoiseSchedule.linear(dir.steps(), dir.betaStart(), dir.betaEnd());
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(dir.dir().resolve("tokenizer.json"),
                    Map.of("padding", "max_length", "maxLength", String.valueOf(dir.textLength()), "truncation", "true"));
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelDirectoryException("tokenizer.json in " + dir.dir() + " is not a HuggingFace tokenizer: " + e.getMessage(), e);
        }
        try {
            manager = NDManager.newBaseManager(device.device(), "PyTorch");
            textEncoder = module("text_encoder.pt", false);
            unet = module("unet.pt", false);
            vaeEncoder = module("vae_encoder.pt", true);
            vaeDecoder = module("vae_decoder.pt", false);
            probe();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens and loads a model directory on {@link PriorDevice#select()}'s device. */
    public static TorchScriptDiffusionPrior load(Path dir) {
        ModelDirectory m = ModelDirectory.open(dir);
        return new TorchScriptDiffusionPrior(m, PriorDevice.select());
    }

    private ZooModel<NDList, NDList> module(String file, boolean differentiable) {
        Path p = dir.dir().resolve(file);
        try {
            Criteria<NDList, NDList> c = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(dir.dir()).optModelName(file.substring(0, file.length() - 3)).optEngine("PyTorch").optDevice(device.device()).optTranslator(new NoopTranslator())
                    .optOption("trainParam", String.valueOf(differentiable)).build();
            ZooModel<NDList, NDList> m = c.loadModel();
            models.add(m);
            // ordinary (non-inference) weights for autograd, but no gradients of their own
            if (differentiable) m.getBlock().freezeParameters(true);
            return m;
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new InvalidModelDirectoryException(file + " in " + dir.dir() + " is not a loadable TorchScript module: " + rootMessage(e), e);
        }
    }

    /**
     * Runs every module once on zero inputs of the contract's shapes (UNet at batch 2, the others at 1) and checks the
     * declared argument names, the output's shape and its dtype. Costs one small pass per module at start-up.
     */
    private void probe() {
        Map<String, Long> dims = new HashMap<>(Map.of("L", (long) dir.textLength(), "C", (long) dir.latentChannels(),
                "h", (long) dir.latentSize(), "S", (long) dir.imageSize()));
        for (ModuleContract.Signature sig : ModuleContract.signatures()) {
            Optional<List<String>> declared = ModuleContract.declaredInputs(dir.dir().resolve(sig.file()));
            if (declared.isPresent() && !declared.get().equals(sig.inputNames())) {
                throw mismatch(sig, dims, "its forward takes (" + String.join(", ", declared.get()) + ")");
            }
            dims.put("B", sig.file().equals("unet.pt") ? 2L : 1L);
            Block block = model(sig.file()).getBlock();
            try (NDManager sub = manager.newSubManager()) {
                NDList in = new NDList();
                for (ModuleContract.Tensor t : sig.inputs()) {
                    DataType type = t.dtype().equals("int64") ? DataType.INT64 : DataType.FLOAT32;
                    NDArray a = sub.zeros(new Shape(t.shape(dims)), type);
                    if (t.name().equals("t")) a = a.add(dir.steps() / 2);   // a mid-schedule timestep
                    in.add(a);
                }
                NDList out;
                try {
                    out = block.forward(new ParameterStore(sub, false), in, false);
                } catch (EngineException | IllegalArgumentException e) {
                    throw mismatch(sig, dims, "it failed on inputs of that shape: " + rootMessage(e));
                }
                if (out.isEmpty()) throw mismatch(sig, dims, "it returned nothing");
                NDArray y = out.get(0);
                if (sig.file().equals("text_encoder.pt")) {
                    if (y.getShape().dimension() == 3) dims.put("D", y.getShape().get(2));
                    textWidth = dims.getOrDefault("D", 0L);
                }
                long[] want = sig.output().shape(dims);
                DataType wantType = sig.output().dtype().equals("int64") ? DataType.INT64 : DataType.FLOAT32;
                if (!Arrays.equals(y.getShape().getShape(), want) || y.getDataType() != wantType) {
                    throw mismatch(sig, dims, "it returned " + Arrays.toString(y.getShape().getShape()) + " "
                            + y.getDataType().toString().toLowerCase(Locale.ROOT) + " where the contract says " + Arrays.toString(want) + " " + sig.output().dtype());
                }
            }
        }
    }

    private InvalidModelDirectoryException mismatch(ModuleContract.Signature sig, Map<String, Long> dims, String what) {
        return new InvalidModelDirectoryException(sig.file() + " in " + dir.dir() + " does not match the module contract "
                + sig.describe() + " (here " + dims.entrySet().stream().filter(e -> !e.getKey().equals("B")).sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("") + "): " + what
                + "; export it with scripts/sds/export_sd_torchscript.py (see docs/text-to-3d.md)");
    }

    private ZooModel<NDList, NDList> model(String file) {
        return switch (file) {
            case "text_encoder.pt" -> textEncoder;
            case "unet.pt" -> unet;
            case "vae_encoder.pt" -> vaeEncoder;
            case "vae_decoder.pt" -> vaeDecoder;
            default -> throw new IllegalArgumentException(file);
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    public ModelDirectory directory() { return dir; }

    /** The engine and device the modules run on. */
    public PriorDevice device() { return device; }

    /** Width of the text encoder's hidden states (D), found by the load-time probe. */
    public long textWidth() { return textWidth; }

    /** UNet forward passes so far, and the images they held in all (each guided prediction is one pass of 2B). */
    public synchronized long[] unetPasses() { return new long[] {unetPasses, unetImages}; }

    /** Parameters of the VAE encoder that require or hold a gradient (0: backward reaches only the images). */
    synchronized long encoderParametersWithGradient() {
        return vaeEncoder.getBlock().getParameters().values().stream()
                .filter(p -> p.getArray().hasGradient()).count();
    }

    /** Parameters of the VAE encoder (its weights are ordinary tensors loaded with {@code trainParam}). */
    synchronized int encoderParameters() { return vaeEncoder.getBlock().getParameters().size(); }

    /** Tensors still open in the prior's manager and its sub-managers (0 between calls: nothing leaks). */
    public synchronized int openArrays() { return manager.getManagedArrays().size(); }

    @Override
    public String name() { return "torchscript:" + dir.dir().getFileName(); }

    @Override
    public synchronized Map<String, Object> runtime() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("engine", device.engine());
        m.put("cudaNatives", device.cudaBuild());
        m.put("device", device.device().toString());
        m.put("deviceReason", device.reason());
        m.put("imageSize", dir.imageSize());
        m.put("latentSize", dir.latentSize());
        m.put("unetPasses", unetPasses);
        m.put("unetImages", unetImages);
        return m;
    }

    @Override
    public int imageSize() { return dir.imageSize(); }

    @Override
    public NoiseSchedule schedule() { return schedule; }

    @Override
    public double defaultGuidance() { return dir.guidance(); }

    @Override
    public synchronized Conditioning encode(String prompt) {
        return new Conditioning(prompt, embed(prompt), embed(""));
    }

    private float[] embed(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = sub.create(ids, new Shape(1, ids.length));
            return forward(textEncoder, sub, new NDList(in), false).get(0).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private NDList forward(ZooModel<NDList, NDList> m, NDManager sub, NDList in, boolean grad) {
        String file = m == textEncoder ? "text_encoder.pt" : m == unet ? "unet.pt" : m == vaeEncoder ? "vae_encoder.pt" : "vae_decoder.pt";
        try {
            NDList out = m.getBlock().forward(new ParameterStore(sub, false), in, grad);
            out.attach(sub);
            return out;
        } catch (EngineException e) {
            throw new IllegalStateException(file + " failed: " + rootMessage(e), e);
        }
    }

    /**
     * The guided ε̂ for the latents {@code zt} (B, C, h, w) on the prior's device: one UNet pass over 2B latents, the
     * conditional half first, then {@code ε_u + g (ε_c - ε_u)}.
     */
    private NDArray guided(NDManager sub, NDArray zt, int[] t, Conditioning cond, double guidance) {
        int b = t.length;
        long l = dir.textLength(), d = cond.embedding().length / l;
        long[] t2 = new long[2 * b];
        for (int i = 0; i < b; i++) { t2[i] = t[i]; t2[b + i] = t[i]; }
        NDArray c = sub.create(cond.embedding(), new Shape(1, l, d)).repeat(0, b);
        NDArray u = sub.create(cond.unconditional(), new Shape(1, l, d)).repeat(0, b);
        NDList in = new NDList(zt.concat(zt, 0), sub.create(t2), c.concat(u, 0));
        NDArray out = forward(unet, sub, in, false).get(0);
        unetPasses++;
        unetImages += 2L * b;
        NDArray ec = out.get("0:" + b), eu = out.get(b + ":");
        return eu.add(ec.sub(eu).mul(guidance));
    }

    /** Guided ε̂ on latents {@code xt} (B, C, h, w). */
    @Override
    public synchronized float[] predictNoise(float[] xt, int[] t, Conditioning cond, double guidance) {
        int c = dir.latentChannels(), h = dir.latentSize();
        try (NDManager sub = manager.newSubManager()) {
            NDArray zt = sub.create(xt, new Shape(t.length, c, h, h));
            return guided(sub, zt, t, cond, guidance).toFloatArray();
        }
    }

    /**
     * Latent-space SDS: {@code eps} has the latents' layout (B, C, h, w); the result has the images' layout. The images
     * go to the device once, the gradient comes back once; latents, noise, the UNet pass and the weighting stay there.
     */
    @Override
    public synchronized float[] sdsGradient(float[] x, float[] eps, int[] t, Conditioning cond, double guidance) {
        int b = t.length, s = dir.imageSize(), c = dir.latentChannels(), h = dir.latentSize();
        float[] sa = new float[b], sb = new float[b], w = new float[b];
        for (int i = 0; i < b; i++) {
            double ab = schedule.alphaBar(t[i]);
            sa[i] = (float) Math.sqrt(ab);
            sb[i] = (float) Math.sqrt(1 - ab);
            w[i] = (float) (1 - ab);
        }
        try (NDManager sub = manager.newSubManager(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray images = sub.create(x, new Shape(b, 3, s, s));
            images.setRequiresGradient(true);
            NDArray latents = forward(vaeEncoder, sub, new NDList(images), true).get(0).mul(dir.latentScale());
            Shape perImage = new Shape(b, 1, 1, 1);
            NDArray noise = sub.create(eps, new Shape(b, c, h, h));
            NDArray zt = latents.stopGradient().mul(sub.create(sa, perImage)).add(noise.mul(sub.create(sb, perImage)));
            NDArray g = guided(sub, zt, t, cond, guidance).sub(noise).mul(sub.create(w, perImage));
            gc.backward(latents.mul(g).sum());   // d/dx of <latents(x), g> is J^T g
            return images.getGradient().toFloatArray();
        }
    }

    /** SDS noise lives in latent space. */
    @Override
    public int noiseValuesPerImage() { return dir.latentChannels() * dir.latentSize() * dir.latentSize(); }

    /** Decodes latents (B, C, h, w) to images in [-1, 1] (for previews). */
    public synchronized float[] decode(float[] latents, int count) {
        int c = dir.latentChannels(), h = dir.latentSize();
        try (NDManager sub = manager.newSubManager()) {
            NDArray z = sub.create(latents, new Shape(count, c, h, h)).div(dir.latentScale());
            return forward(vaeDecoder, sub, new NDList(z), false).get(0).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    @Override
    public synchronized void close() {
        for (ZooModel<NDList, NDList> m : models) m.close();
        models.clear();
        if (manager != null) manager.close();
        if (tokenizer != null) tokenizer.close();
    }
}
