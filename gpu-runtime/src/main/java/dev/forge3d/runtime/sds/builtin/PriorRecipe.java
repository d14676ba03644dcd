package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.BackgroundPolicy;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the built-in prior's weights were made and what architecture they fit; stored as {@code prior.json} next to
 * {@code prior.params}.
 *
 * @param command     the command that reproduces the weights
 * @param imageSize   image side (pixels)
 * @param base        UNet channels at full resolution
 * @param textDim     conditioning vector length ({@link CaptionGrounding#DIM})
 * @param timesteps   DDPM steps of the linear schedule
 * @param betaStart   first beta
 * @param betaEnd     last beta
 * @param steps       optimiser steps
 * @param batch       images per step
 * @param learningRate Adam's peak learning rate
 * @param seed        seed of data rendering, initialisation and sampling
 * @param perPair     renders per (shape, colour) pair
 * @param condDropout probability of the empty prompt (for classifier-free guidance)
 * @param parameters  trainable parameter count
 * @param finalLoss   mean noise-prediction MSE over the last 10% of steps
 * @param seconds     wall-clock training time
 * @param lossCurve   (step, smoothed loss) samples
 * @param machine     where it was trained
 * @param conditioning how prompts reach the UNet: {@value #CAPTION_GROUNDING} ({@link CaptionGrounding})
 * @param prediction  what the UNet predicts: {@value #V_PREDICTION} (the velocity, see
 *                    {@link dev.forge3d.runtime.sds.NoiseSchedule#velocity})
 * @param background  what the training renders had behind the object ({@link BackgroundPolicy}; absent in recipes
 *                    written before it existed, which were all on white)
 */
public record PriorRecipe(String command, int imageSize, int base, int textDim, int timesteps, double betaStart, double betaEnd,
                          int steps, int batch, double learningRate, long seed, int perPair, double condDropout,
                          long parameters, double finalLoss, double seconds, List<double[]> lossCurve, String machine,
                          String conditioning, String prediction, String background) {

    /** The background policy of the training renders (white where the recipe predates the field). */
    public BackgroundPolicy backgroundPolicy() { return BackgroundPolicy.parse(background); }

    /** The UNet's output: v-prediction (Salimans &amp; Ho 2022). */
    public static final String V_PREDICTION = "v";

    /** The conditioning this code feeds the UNet: {@link CaptionGrounding}'s vector. */
    public static final String CAPTION_GROUNDING = "caption-grounding";

    private static final ObjectMapper JSON = new ObjectMapper();

    public void write(Path file) {
        try {
            Files.writeString(file, JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PriorRecipe read(InputStream in) {
        return JSON.readValue(in, PriorRecipe.class);
    }
}
