package dev.forge3d.runtime.sds.builtin;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.DjlSetup;
import dev.forge3d.runtime.sds.MiniLmPromptEncoder;
import dev.forge3d.runtime.sds.NoiseSchedule;
import dev.forge3d.runtime.sds.shapes.NamedColour;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the built-in prior: renders the shape dataset once into memory, grounds every caption
 * ({@link CaptionGrounding}), then fits the {@link PriorUNet} to predict the velocity
 * {@code v = sqrt(abar) ε - sqrt(1 - abar) x0} (MSE), dropping the conditioning 10% of the time so classifier-free
 * guidance works. Writes {@code prior.params} (DJL parameter file) and {@code prior.json} ({@link PriorRecipe}).
 */
public final class PriorTrainer {

    /** Training settings; defaults are the committed weights' recipe. */
    public static final class Config {
        public int imageSize = 32;
        public int base = 16;
        public int steps = 1200;
        public int batch = 64;
        public double learningRate = 2e-3;
        public long seed = 7;
        public int perPair = 100;
        public double condDropout = 0.1;
        /** What the renders have behind the object. */
        public BackgroundPolicy background = BackgroundPolicy.WHITE;
        public int threads = Runtime.getRuntime().availableProcessors();
        /** Save a snapshot every this many steps (0: only at the end). */
        public int snapshotEvery = 500;
        public String command = "./forge3d train-prior --out DIR --steps 1200 --seed 7";
    }

    private PriorTrainer() { }

    public static PriorRecipe train(Config cfg, Path outDir, ProgressListener listener) {
        long start = System.nanoTime();
        DjlSetup.apply();
        Engine.getInstance().setRandomSeed((int) cfg.seed);
        ShapeRenderDataset data = ShapeRenderDataset.render(cfg.imageSize, cfg.perPair, cfg.seed, cfg.background, cfg.threads, listener);
        float[][][][] captions = groundCaptions(new CaptionGrounding(new MiniLmPromptEncoder()), listener);
        int textDim = CaptionGrounding.DIM;
        NoiseSchedule schedule = NoiseSchedule.linear(1000, 1e-4, 0.02);
        int s = cfg.imageSize, per = 3 * s * s, b = cfg.batch;
        Random rnd = new Random(cfg.seed + 1);
        List<double[]> curve = new ArrayList<>();
        double ema = Double.NaN, tailSum = 0;
        int tailCount = 0;
        long params;
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PriorUNet net = new PriorUNet(cfg.base);
        try (Model model = Model.newInstance("forge3d-prior")) {
            model.setBlock(net);
            Tracker lr = Tracker.warmUp().optWarmUpSteps(100).optWarmUpBeginValue(0f)
                    .setMainTracker(Tracker.cosine().setBaseValue((float) cfg.learningRate)
                            .optFinalValue((float) (cfg.learningRate * 0.05)).setMaxUpdates(cfg.steps).build())
                    .build();
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(b, 3, s, s), new Shape(b, PriorUNet.TIME_DIM), new Shape(b, textDim));
                params = countParameters(net);
                NDManager root = trainer.getManager();
                float[] x0 = new float[b * per], eps = new float[b * per], xt = new float[b * per], v = new float[b * per], txt = new float[b * textDim];
                int[] t = new int[b];
                for (int step = 1; step <= cfg.steps; step++) {
                    listener.checkCancelled();
                    for (int i = 0; i < b; i++) {
                        int k = rnd.nextInt(data.count());
                        System.arraycopy(data.images(), k * per, x0, i * per, per);
                        t[i] = rnd.nextInt(schedule.steps());
                        if (rnd.nextDouble() < cfg.condDropout) {
                            java.util.Arrays.fill(txt, i * textDim, (i + 1) * textDim, 0f);
                        } else {
                            // the suffix matches the view half the time, and is left out otherwise
                            int suffix = rnd.nextBoolean() ? data.suffix(k) : 0;
                            float[] e = captions[data.shape(k) * NamedColour.values().length + data.colour(k)][rnd.nextInt(Captions.TEMPLATES.size())][suffix];
                            System.arraycopy(e, 0, txt, i * textDim, textDim);
                        }
                    }
                    for (int i = 0; i < eps.length; i++) eps[i] = (float) rnd.nextGaussian();
                    schedule.addNoise(x0, eps, t, per, xt);
                    schedule.velocity(x0, eps, t, per, v);
                    double lossValue;
                    try (NDManager sub = root.newSubManager()) {
                        NDArray xIn = sub.create(xt, new Shape(b, 3, s, s));
                        NDArray tIn = sub.create(PriorUNet.timeEmbedding(t), new Shape(b, PriorUNet.TIME_DIM));
                        NDArray cIn = sub.create(txt, new Shape(b, textDim));
                        NDArray target = sub.create(v, new Shape(b, 3, s, s));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray pred = trainer.forward(new NDList(xIn, tIn, cIn)).singletonOrThrow();
                            NDArray loss = pred.sub(target).square().mean();
                            lossValue = loss.getFloat();
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                    if (!Double.isFinite(lossValue)) {
                        // A diverged prior would be saved and then guide every text-to-3D job wrongly: stop here.
                        throw new IllegalStateException("training diverged: the loss is " + lossValue + " at step " + step
                                + NativeDefects.note());
                    }
                    ema = Double.isNaN(ema) ? lossValue : 0.98 * ema + 0.02 * lossValue;
                    if (step > 0.9 * cfg.steps) { tailSum += lossValue; tailCount++; }
                    if (step % 50 == 0 || step == cfg.steps) {
                        curve.add(new double[] {step, ema});
                        double secs = (System.nanoTime() - start) / 1e9;
                        listener.onProgress(new Progress("train-prior", (double) step / cfg.steps, Double.NaN,
                                String.format(Locale.ROOT, "step %d  loss %.4f", step, ema),
                                Map.of("step", (double) step, "loss", ema, "seconds", secs)));
                    }
                    if (cfg.snapshotEvery > 0 && step % cfg.snapshotEvery == 0 && step < cfg.steps) {
                        save(net, outDir.resolve("prior.params"));
                        recipe(cfg, textDim, params, ema, start, curve, step).write(outDir.resolve("prior.json"));
                    }
                }
            }
            save(net, outDir.resolve("prior.params"));
        }
        PriorRecipe r = recipe(cfg, textDim, params, tailCount > 0 ? tailSum / tailCount : ema, start, curve, cfg.steps);
        r.write(outDir.resolve("prior.json"));
        return r;
    }

    private static PriorRecipe recipe(Config cfg, int textDim, long params, double loss, long start, List<double[]> curve, int steps) {
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch") + ", JDK " + Runtime.version();
        return new PriorRecipe(cfg.command, cfg.imageSize, cfg.base, textDim, 1000, 1e-4, 0.02, steps, cfg.batch, cfg.learningRate,
                cfg.seed, cfg.perPair, cfg.condDropout, params, loss, (System.nanoTime() - start) / 1e9, List.copyOf(curve), machine,
                PriorRecipe.CAPTION_GROUNDING, PriorRecipe.V_PREDICTION, cfg.background.word());
    }

    static long countParameters(PriorUNet net) {
        long n = 0;
        for (var p : net.getParameters()) {
            Parameter param = p.getValue();
            n += param.getArray().getShape().size();
        }
        return n;
    }

    static void save(PriorUNet net, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
            net.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** [shape * colours + colour][template][suffix] → the caption's conditioning vector. */
    static float[][][][] groundCaptions(CaptionGrounding grounding, ProgressListener listener) {
        dev.forge3d.runtime.sds.shapes.Shape[] shapes = dev.forge3d.runtime.sds.shapes.Shape.values();
        NamedColour[] colours = NamedColour.values();
        float[][][][] out = new float[shapes.length * colours.length][Captions.TEMPLATES.size()][Captions.VIEW_SUFFIXES.size()][];
        for (int s = 0; s < shapes.length; s++) {
            for (int c = 0; c < colours.length; c++) {
                for (int t = 0; t < Captions.TEMPLATES.size(); t++) {
                    for (int v = 0; v < Captions.VIEW_SUFFIXES.size(); v++) {
                        out[s * colours.length + c][t][v] = grounding.ground(Captions.caption(t, shapes[s], colours[c], v));
                    }
                }
                listener.checkCancelled();
            }
            listener.onProgress(Progress.of("ground-captions", (s + 1.0) / shapes.length, Double.NaN, "captions of " + shapes[s].word()));
        }
        return out;
    }
}
