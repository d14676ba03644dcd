package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.sds.selfcheck.Readings;

import java.util.Map;
import java.util.Optional;

/**
 * A text-conditioned image diffusion model used as a frozen prior for score distillation. Images are planar RGB
 * batches {@code (B, 3, S, S)} with values in [-1, 1] ({@code S = imageSize()}), white = 1, rendered on the
 * backgrounds of {@link #background()}.
 * Implementations: the {@code builtin} pixel-space prior trained on the project's own shape renders, and
 * {@link dev.forge3d.runtime.sds.torchscript.TorchScriptDiffusionPrior} for exported Stable Diffusion models.
 */
public interface DiffusionPrior extends AutoCloseable {

    /** A short name for logs and metrics, e.g. {@code builtin} or the model directory's name. */
    String name();

    /** Side of the square images the prior works on (pixels). */
    int imageSize();

    /** The noise schedule of the model's training. */
    NoiseSchedule schedule();

    /** A guidance scale that works well for SDS with this prior. */
    double defaultGuidance();

    /** Noise values per image that {@link #sdsGradient} expects (the image's for pixel priors, the latent's for latent ones). */
    default int noiseValuesPerImage() { return 3 * imageSize() * imageSize(); }

    /** What the prior's training images had behind the object: SDS and the self-check render on the same. */
    default BackgroundPolicy background() { return BackgroundPolicy.WHITE; }

    /** Where and how the prior runs, for reports ({@code metrics.json}'s {@code priorRuntime}); empty where there is nothing to say. */
    default Map<String, Object> runtime() { return Map.of(); }

    /** Encodes a prompt into the prior's conditioning. */
    Conditioning encode(String prompt);

    /** How this prior reads {@code prompt}, for reports ({@code metrics.json}); empty where it has nothing to say. */
    default Map<String, Object> reading(String prompt) { return Map.of(); }

    /**
     * The classifier-free-guided noise prediction {@code ε_u + g (ε_c - ε_u)} for the noisy images {@code xt} at
     * timesteps {@code t} (one per image), every image conditioned on {@code cond}.
     */
    float[] predictNoise(float[] xt, int[] t, Conditioning cond, double guidance);

    /**
     * The conditional noise prediction (no guidance) for {@code xt} at {@code t}: what a diffusion classifier scores.
     * Priors whose guided prediction costs a second, unconditional pass override this to skip it.
     */
    default float[] predictConditionalNoise(float[] xt, int[] t, Conditioning cond) {
        return predictNoise(xt, t, cond, 1.0);
    }

    /**
     * The readings a generated object for {@code prompt} is self-checked against (the intended one and its rivals);
     * empty where the prior has no closed vocabulary to name rivals from.
     */
    default Optional<Readings> readings(String prompt) { return Optional.empty(); }

    /**
     * The SDS gradient dL/dx on clean images {@code x} (same layout, [-1, 1]): {@code w(t) (ε̂ - ε)} with
     * {@code w(t) = 1 - abar_t}, where ε is the given noise and ε̂ the guided prediction on {@code x_t}. Latent
     * priors override this to noise their latents and carry the gradient back to pixels.
     */
    default float[] sdsGradient(float[] x, float[] eps, int[] t, Conditioning cond, double guidance) {
        int per = x.length / t.length;
        if (eps.length != x.length) throw new IllegalArgumentException("noise and images differ in size");
        float[] xt = new float[x.length];
        schedule().addNoise(x, eps, t, per, xt);
        float[] pred = predictNoise(xt, t, cond, guidance);
        float[] g = new float[x.length];
        for (int i = 0; i < t.length; i++) {
            float w = (float) (1 - schedule().alphaBar(t[i]));
            for (int k = i * per; k < (i + 1) * per; k++) g[k] = w * (pred[k] - eps[k]);
        }
        return g;
    }

    @Override
    void close();

    /** A prompt's conditioning: the embedding the prior consumes, and its unconditional counterpart. */
    record Conditioning(String prompt, float[] embedding, float[] unconditional) { }
}
