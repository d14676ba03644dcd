package dev.forge3d.runtime.sds.torchscript;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.DjlSetup;
import dev.forge3d.runtime.sds.NoiseSchedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The production prior: a Stable Diffusion-class model exported to TorchScript ({@link ModelDirectory}) run by
 * DJL's PyTorch engine. Score distillation happens in latent space as in DreamFusion-with-SD / threestudio: the
 * rendered images are encoded by the VAE encoder with autograd on, the latents noised, the UNet's guided ε̂
 * gives {@code w(t) (ε̂ - ε)} on the latents, and the VAE encoder's vector-Jacobian product carries it back to
 * pixels. Module signatures (fixed by the export script): {@code text_encoder(input_ids[1,L] int64) -> [1,L,D]},
 * {@code unet(latents[B,C,h,w], t[B] int64, text[B,L,D]) -> ε[B,C,h,w]},
 * {@code vae_encoder(images[B,3,S,S] in [-1,1]) -> latent mean[B,C,h,w]} (unscaled),
 * {@code vae_decoder(latents/scale) -> images}.
 */
public final class TorchScriptDiffusionPrior implements DiffusionPrior {

    private final ModelDirectory dir;
    private final List<ZooModel<NDList, NDList>> models = new ArrayList<>();
    private final ZooModel<NDList, NDList> textEncoder, unet, vaeEncoder, vaeDecoder;
    private final HuggingFaceTokenizer tokenizer;
    private final NDManager manager;
    private final NoiseSchedule schedule;

    private TorchScriptDiffusionPrior(ModelDirectory dir) {
        this.dir = dir;
        DjlSetup.apply();
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
            textEncoder = module("text_encoder.pt");
            unet = module("unet.pt");
            vaeEncoder = module("vae_encoder.pt");
            vaeDecoder = module("vae_decoder.pt");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        manager = NDManager.newBaseManager("PyTorch");
    }

    /** Opens and loads a model directory; {@link InvalidModelDirectoryException} names what is missing or broken. */
    public static TorchScriptDiffusionPrior load(Path dir) {
        return new TorchScriptDiffusionPrior(ModelDirectory.open(dir));
    }

    private ZooModel<NDList, NDList> module(String file) {
        Path p = dir.dir().resolve(file);
        try {
            Criteria<NDList, NDList> c = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(p).optEngine("PyTorch").optTranslator(new NoopTranslator()).build();
            ZooModel<NDList, NDList> m = c.loadModel();
            models.add(m);
            return m;
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new InvalidModelDirectoryException(file + " in " + dir.dir() + " is not a loadable TorchScript module: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    public ModelDirectory directory() { return dir; }

    @Override
    public String name() { return "torchscript:" + dir.dir().getFileName(); }

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
        try (NDManager sub = manager.newSubManager(); Predictor<NDList, NDList> p = textEncoder.newPredictor()) {
            NDArray in = sub.create(ids, new Shape(1, ids.length));
            return p.predict(new NDList(in)).get(0).toType(DataType.FLOAT32, false).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("text_encoder.pt failed on a prompt: " + rootMessage(e), e);
        }
    }

    /** Guided ε̂ on latents {@code xt} (B, C, h, w). */
    @Override
    public synchronized float[] predictNoise(float[] xt, int[] t, Conditioning cond, double guidance) {
        int b = t.length, c = dir.latentChannels(), h = dir.latentSize(), per = c * h * h;
        int textLen = cond.embedding().length;
        float[] x2 = new float[2 * b * per], c2 = new float[2 * b * textLen];
        long[] t2 = new long[2 * b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(xt, i * per, x2, i * per, per);
            System.arraycopy(xt, i * per, x2, (b + i) * per, per);
            System.arraycopy(cond.embedding(), 0, c2, i * textLen, textLen);
            System.arraycopy(cond.unconditional(), 0, c2, (b + i) * textLen, textLen);
            t2[i] = t[i];
            t2[b + i] = t[i];
        }
        float[] out;
        try (NDManager sub = manager.newSubManager(); Predictor<NDList, NDList> p = unet.newPredictor()) {
            NDList in = new NDList(sub.create(x2, new Shape(2L * b, c, h, h)), sub.create(t2),
                    sub.create(c2, new Shape(2L * b, dir.textLength(), textLen / dir.textLength())));
            out = p.predict(in).get(0).toType(DataType.FLOAT32, false).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("unet.pt failed: " + rootMessage(e), e);
        }
        float[] guided = new float[b * per];
        for (int k = 0; k < b * per; k++) guided[k] = out[b * per + k] + (float) guidance * (out[k] - out[b * per + k]);
        return guided;
    }

    /**
     * Latent-space SDS: {@code eps} must have the latents' layout (B, C, h, w); the result has the images' layout.
     */
    @Override
    public synchronized float[] sdsGradient(float[] x, float[] eps, int[] t, Conditioning cond, double guidance) {
        int b = t.length, s = dir.imageSize(), c = dir.latentChannels(), h = dir.latentSize(), per = c * h * h;
        try (NDManager sub = manager.newSubManager(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray images = sub.create(x, new Shape(b, 3, s, s));
            images.setRequiresGradient(true);
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray latents = vaeEncoder.getBlock().forward(ps, new NDList(images), true).get(0).mul(dir.latentScale());
            float[] z = latents.toType(DataType.FLOAT32, false).toFloatArray();
            float[] zt = new float[z.length];
            schedule.addNoise(z, eps, t, per, zt);
            float[] pred = predictNoise(zt, t, cond, guidance);
            float[] gz = new float[z.length];
            for (int i = 0; i < b; i++) {
                float w = (float) (1 - schedule.alphaBar(t[i]));
                for (int k = i * per; k < (i + 1) * per; k++) gz[k] = w * (pred[k] - eps[k]);
            }
            NDArray target = sub.create(gz, latents.getShape());
            gc.backward(latents.mul(target).sum());   // d/dx of <latents(x), g> is J^T g
            return images.getGradient().toFloatArray();
        }
    }

    /** SDS noise lives in latent space. */
    @Override
    public int noiseValuesPerImage() { return dir.latentChannels() * dir.latentSize() * dir.latentSize(); }

    /** Decodes latents (B, C, h, w) to images in [-1, 1] (for previews). */
    public synchronized float[] decode(float[] latents, int count) {
        int c = dir.latentChannels(), h = dir.latentSize();
        float[] scaled = new float[latents.length];
        for (int k = 0; k < latents.length; k++) scaled[k] = (float) (latents[k] / dir.latentScale());
        try (NDManager sub = manager.newSubManager(); Predictor<NDList, NDList> p = vaeDecoder.newPredictor()) {
            return p.predict(new NDList(sub.create(scaled, new Shape(count, c, h, h)))).get(0).toType(DataType.FLOAT32, false).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("vae_decoder.pt failed: " + rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        for (ZooModel<NDList, NDList> m : models) m.close();
        models.clear();
        if (manager != null) manager.close();
        if (tokenizer != null) tokenizer.close();
    }
}
