package dev.forge3d.worker.cli;

import dev.forge3d.runtime.image.ImageIo;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.sds.BackgroundPolicy;
import dev.forge3d.runtime.sds.DdimSampler;
import dev.forge3d.runtime.sds.builtin.BuiltinDiffusionPrior;
import dev.forge3d.runtime.sds.builtin.PriorRecipe;
import dev.forge3d.runtime.sds.builtin.PriorTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code forge3d train-prior}: trains the built-in text-to-image prior on the project's own shape renders. */
@Command(name = "train-prior", mixinStandardHelpOptions = true,
        description = "Train the built-in diffusion prior (small text-conditioned UNet, DJL/PyTorch on CPU) on renders of "
                + "5 shapes x 8 colours; writes prior.params, prior.json (the recipe) and samples.png.")
public final class TrainPriorCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--steps", defaultValue = "1200", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of rendering, initialisation and batches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--per-pair", defaultValue = "100", description = "Renders per (shape, colour) pair (default: ${DEFAULT-VALUE}).")
    int perPair;

    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--background", defaultValue = "white",
            description = "What the renders have behind the object: white, or random (white half of the time, else a random colour; "
                    + "SDS and the self-check then render on the same) (default: ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--samples", defaultValue = "true", negatable = true, description = "Write samples.png: DDIM samples for a few prompts.")
    boolean samples;

    @Override
    public Integer call() {
        if (steps < 1 || perPair < 1 || batch < 1) throw new IllegalArgumentException("--steps, --per-pair and --batch must be positive");
        PriorTrainer.Config cfg = new PriorTrainer.Config();
        cfg.steps = steps;
        cfg.seed = seed;
        cfg.perPair = perPair;
        cfg.batch = batch;
        cfg.background = BackgroundPolicy.parse(background);
        cfg.command = "./forge3d train-prior --out DIR --steps " + steps + " --seed " + seed + " --per-pair " + perPair + " --batch " + batch
                + (cfg.background == BackgroundPolicy.WHITE ? "" : " --background " + cfg.background.word());
        PriorRecipe r;
        try (ConsoleProgressBar bar = new ConsoleProgressBar(System.out)) {
            r = PriorTrainer.train(cfg, out, bar);
        }
        System.out.printf("forge3d train-prior: %d steps in %.0f s, %d parameters, final loss %.4f -> %s%n", r.steps(), r.seconds(), r.parameters(), r.finalLoss(), out);
        if (samples) {
            try (BuiltinDiffusionPrior prior = BuiltinDiffusionPrior.load(out)) {
                RgbImage grid = null;
                for (String p : List.of("a red cube", "a blue sphere", "a yellow cone", "a green torus", "a purple cylinder", "a crimson ball")) {
                    float[] x = DdimSampler.sample(prior, p, 4, 50, 3, seed);
                    RgbImage row = DdimSampler.image(x, 0, prior.imageSize());
                    for (int i = 1; i < 4; i++) row = row.besides(DdimSampler.image(x, i, prior.imageSize()));
                    grid = grid == null ? row : below(grid, row);
                }
                ImageIo.writePng(grid, out.resolve("samples.png"));
            }
        }
        return 0;
    }

    static RgbImage below(RgbImage top, RgbImage bottom) {
        RgbImage o = new RgbImage(top.width(), top.height() + bottom.height());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < top.height(); y++) for (int x = 0; x < top.width(); x++) o.set(c, x, y, top.get(c, x, y));
            for (int y = 0; y < bottom.height(); y++) for (int x = 0; x < bottom.width(); x++) o.set(c, x, top.height() + y, bottom.get(c, x, y));
        }
        return o;
    }
}
