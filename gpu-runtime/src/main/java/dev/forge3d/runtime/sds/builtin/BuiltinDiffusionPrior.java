package dev.forge3d.runtime.sds.builtin;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.DjlSetup;
import dev.forge3d.runtime.sds.MiniLmPromptEncoder;
import dev.forge3d.runtime.sds.NoiseSchedule;
import dev.forge3d.runtime.sds.PromptEncoder;
import dev.forge3d.runtime.sds.selfcheck.Readings;
import dev.forge3d.runtime.sds.shapes.NamedColour;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in prior: {@link PriorUNet} weights trained by {@link PriorTrainer} on the project's own shape renders,
 * conditioned on MiniLM prompt embeddings grounded in the training captions and read with WordNet
 * ({@link CaptionGrounding}, {@link WordNetLexicon}). The
 * committed weights ship as resources {@code prior.params} and {@code prior.json} next to this class;
 * {@link #load(Path)} reads another training run's output folder.
 */
public final class BuiltinDiffusionPrior implements DiffusionPrior {

    public static final String PARAMS = "prior.params", RECIPE = "prior.json";

    private final PriorRecipe recipe;
    private final PriorUNet net;
    private final NDManager manager;
    private final ParameterStore store;
    private final CaptionGrounding grounding;
    private final NoiseSchedule schedule;

    private BuiltinDiffusionPrior(PriorRecipe recipe, InputStream params, PromptEncoder encoder) throws IOException {
        DjlSetup.apply();
        this.recipe = recipe;
        this.schedule = NoiseSchedule.linear(recipe.timesteps(), recipe.betaStart(), recipe.betaEnd());
        if (!PriorRecipe.CAPTION_GROUNDING.equals(recipe.conditioning()) || recipe.textDim() != CaptionGrounding.DIM) {
            throw new IllegalArgumentException("these prior weights expect " + recipe.textDim() + "-d '" + recipe.conditioning()
                    + "' conditioning; this version feeds " + CaptionGrounding.DIM + "-d '" + PriorRecipe.CAPTION_GROUNDING
                    + "' vectors: retrain them with ./forge3d train-prior");
        }
        if (!PriorRecipe.V_PREDICTION.equals(recipe.prediction())) {
            throw new IllegalArgumentException("these prior weights predict '" + recipe.prediction() + "', this version expects '"
                    + PriorRecipe.V_PREDICTION + "': retrain them with ./forge3d train-prior");
        }
        this.grounding = new CaptionGrounding(encoder, WordNetLexicon.load());
        manager = Engine.getEngine("PyTorch").newBaseManager();
        net = new PriorUNet(recipe.base());
        int s = recipe.imageSize();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1, PriorUNet.TIME_DIM), new Shape(1, recipe.textDim()));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(params))) {
            net.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            manager.close();
            throw new IllegalStateException("the built-in prior's weights do not fit its recipe: " + e.getMessage(), e);
        }
        store = new ParameterStore(manager, false);
    }

    /** The committed weights (resources of gpu-runtime). */
    public static BuiltinDiffusionPrior loadBundled() {
        try (InputStream r = BuiltinDiffusionPrior.class.getResourceAsStream(RECIPE);
             InputStream p = BuiltinDiffusionPrior.class.getResourceAsStream(PARAMS)) {
            if (r == null || p == null) throw new IllegalStateException("the built-in prior's weights are missing from the classpath (" + PARAMS + ", " + RECIPE + ")");
            return new BuiltinDiffusionPrior(PriorRecipe.read(r), p, new MiniLmPromptEncoder());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in prior's weights", e);
        }
    }

    /** Weights from a {@code train-prior} output folder. */
    public static BuiltinDiffusionPrior load(Path dir) {
        Path recipe = dir.resolve(RECIPE), params = dir.resolve(PARAMS);
        for (Path f : new Path[] {recipe, params}) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("built-in prior folder " + dir + " has no " + f.getFileName());
        }
        try (InputStream r = Files.newInputStream(recipe); InputStream p = Files.newInputStream(params)) {
            return new BuiltinDiffusionPrior(PriorRecipe.read(r), p, new MiniLmPromptEncoder());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    public PriorRecipe recipe() { return recipe; }

    /**
     * The shape and colour the UNet is asked for (the grounding's most likely ones, with their probabilities) and the
     * prompt words WordNet read them from, if any.
     */
    @Override
    public Map<String, Object> reading(String prompt) {
        float[] v = grounding.ground(prompt);
        WordNetLexicon.Reading lexical = grounding.reading(prompt);
        dev.forge3d.runtime.sds.shapes.Shape shape = CaptionGrounding.shape(v);
        NamedColour colour = CaptionGrounding.colour(v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", shape.word());
        m.put("shapeProbability", v[shape.ordinal()]);
        m.put("shapeFromWord", lexical.shapeWord());
        m.put("colour", colour.word());
        m.put("colourProbability", v[CaptionGrounding.SHAPES + colour.ordinal()]);
        m.put("colourFromWord", lexical.colourWord());
        return m;
    }

    @Override
    public String name() { return "builtin"; }

    @Override
    public int imageSize() { return recipe.imageSize(); }

    @Override
    public BackgroundPolicy background() { return recipe.backgroundPolicy(); }

    @Override
    public NoiseSchedule schedule() { return schedule; }

    @Override
    public double defaultGuidance() { return 7.5; }

    @Override
    public Conditioning encode(String prompt) {
        return new Conditioning(prompt, grounding.ground(prompt), new float[recipe.textDim()]);
    }

    @Override
    public synchronized float[] predictNoise(float[] xt, int[] t, Conditioning cond, double guidance) {
        int b = t.length, per = checkBatch(xt, b);
        // one forward on 2B images: the conditional batch, then the unconditional one
        float[] x2 = new float[2 * b * per];
        System.arraycopy(xt, 0, x2, 0, b * per);
        System.arraycopy(xt, 0, x2, b * per, b * per);
        int[] t2 = new int[2 * b];
        System.arraycopy(t, 0, t2, 0, b);
        System.arraycopy(t, 0, t2, b, b);
        float[] out = velocity(x2, t2, cond.embedding(), b, cond.unconditional());
        // The UNet predicts v; ε = sqrt(abar) v + sqrt(1 - abar) x_t. Guidance is linear, so combining the ε's equals
        // combining the v's.
        float[] guided = new float[b * per];
        float g = (float) guidance;
        for (int i = 0; i < b; i++) {
            double ab = schedule.alphaBar(t[i]);
            float a = (float) Math.sqrt(ab), sigma = (float) Math.sqrt(1 - ab);
            for (int k = i * per; k < (i + 1) * per; k++) {
                float c = out[k], u = out[b * per + k];
                guided[k] = a * (u + g * (c - u)) + sigma * xt[k];
            }
        }
        return guided;
    }

    /** One conditional forward (no unconditional twin): half the cost of {@link #predictNoise} for self-checks. */
    @Override
    public synchronized float[] predictConditionalNoise(float[] xt, int[] t, Conditioning cond) {
        int b = t.length, per = checkBatch(xt, b);
        float[] v = velocity(xt, t, cond.embedding(), b, null);
        float[] eps = new float[b * per];
        for (int i = 0; i < b; i++) {
            double ab = schedule.alphaBar(t[i]);
            float a = (float) Math.sqrt(ab), sigma = (float) Math.sqrt(1 - ab);
            for (int k = i * per; k < (i + 1) * per; k++) eps[k] = a * v[k] + sigma * xt[k];
        }
        return eps;
    }

    /**
     * The intended reading is the grounding's most likely shape and colour (its prompt the training caption
     * {@code "a <colour> <shape>"}); its rivals are the other shapes in that colour and the other colours of that shape,
     * all as one-hot conditionings (what the UNet was trained on).
     */
    @Override
    public Optional<Readings> readings(String prompt) {
        float[] v = grounding.ground(prompt);
        int shape = CaptionGrounding.shape(v).ordinal(), colour = CaptionGrounding.colour(v).ordinal();
        List<Readings.Rival> rivals = new ArrayList<>();
        for (int s = 0; s < CaptionGrounding.SHAPES; s++) {
            if (s != shape) rivals.add(new Readings.Rival("shape", label(s, colour), oneHot(s, colour)));
        }
        for (int c = 0; c < CaptionGrounding.COLOURS; c++) {
            if (c != colour) rivals.add(new Readings.Rival("colour", label(shape, c), oneHot(shape, c)));
        }
        String caption = Captions.caption(0, dev.forge3d.runtime.sds.shapes.Shape.values()[shape], NamedColour.values()[colour], 0);
        return Optional.of(new Readings(label(shape, colour), caption, oneHot(shape, colour), rivals));
    }

    private static String label(int shape, int colour) {
        return NamedColour.values()[colour].word() + " " + dev.forge3d.runtime.sds.shapes.Shape.values()[shape].word();
    }

    private Conditioning oneHot(int shape, int colour) {
        float[] c = new float[recipe.textDim()];
        c[shape] = 1;
        c[CaptionGrounding.SHAPES + colour] = 1;
        c[CaptionGrounding.SHAPES + CaptionGrounding.COLOURS] = 1;    // no view suffix
        return new Conditioning(label(shape, colour), c, new float[recipe.textDim()]);
    }

    private int checkBatch(float[] xt, int b) {
        int s = recipe.imageSize(), per = 3 * s * s;
        if (xt.length != b * per) throw new IllegalArgumentException("expected " + b + " images of 3x" + s + "x" + s);
        return per;
    }

    /**
     * The UNet's v for the images {@code x}: the first {@code b} conditioned on {@code cond}, the rest (if any) on
     * {@code uncond}.
     */
    private float[] velocity(float[] x, int[] t, float[] cond, int b, float[] uncond) {
        int n = t.length, s = recipe.imageSize(), d = recipe.textDim();
        float[] c = new float[n * d];
        for (int i = 0; i < n; i++) System.arraycopy(i < b ? cond : uncond, 0, c, i * d, d);
        try (NDManager sub = manager.newSubManager()) {
            NDArray pred = net.forward(store, new NDList(sub.create(x, new Shape(n, 3, s, s)),
                    sub.create(PriorUNet.timeEmbedding(t), new Shape(n, PriorUNet.TIME_DIM)),
                    sub.create(c, new Shape(n, d))), false).singletonOrThrow();
            return pred.toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
