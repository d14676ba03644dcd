package dev.forge3d.runtime.sds;

/**
 * A discrete DDPM noise schedule: {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) ε} for t in 0..T-1.
 *
 * @param alphasCumprod abar_t per timestep, decreasing
 */
public record NoiseSchedule(double[] alphasCumprod) {

    public NoiseSchedule {
        if (alphasCumprod == null || alphasCumprod.length < 2) throw new IllegalArgumentException("a schedule needs timesteps");
        alphasCumprod = alphasCumprod.clone();
    }

    /** DDPM's linear betas (1e-4 .. 0.02 over 1000 steps for the built-in prior). */
    public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
        double[] a = new double[steps];
        double prod = 1;
        for (int t = 0; t < steps; t++) {
            double beta = betaStart + (betaEnd - betaStart) * t / (steps - 1);
            prod *= 1 - beta;
            a[t] = prod;
        }
        return new NoiseSchedule(a);
    }

    /** Stable Diffusion's "scaled linear" schedule: betas linear in sqrt space (0.00085 .. 0.012 over 1000 steps). */
    public static NoiseSchedule scaledLinear(int steps, double betaStart, double betaEnd) {
        double[] a = new double[steps];
        double prod = 1, s0 = Math.sqrt(betaStart), s1 = Math.sqrt(betaEnd);
        for (int t = 0; t < steps; t++) {
            double s = s0 + (s1 - s0) * t / (steps - 1);
            prod *= 1 - s * s;
            a[t] = prod;
        }
        return new NoiseSchedule(a);
    }

    public int steps() { return alphasCumprod.length; }

    public double alphaBar(int t) { return alphasCumprod[t]; }

    /**
     * Writes the velocity {@code v = sqrt(abar_t) ε - sqrt(1 - abar_t) x0} (v-prediction's target). Unlike ε, v stays
     * informative about x0 at high noise levels, where an ε-predictor's small errors become large errors in x0.
     */
    public void velocity(float[] x0, float[] eps, int[] timesteps, int perImage, float[] out) {
        for (int i = 0; i < timesteps.length; i++) {
            double ab = alphasCumprod[timesteps[i]];
            float a = (float) Math.sqrt(ab), s = (float) Math.sqrt(1 - ab);
            for (int k = i * perImage; k < (i + 1) * perImage; k++) out[k] = a * eps[k] - s * x0[k];
        }
    }

    /** Writes {@code x_t} for images {@code x0} and noise {@code eps} (same layout), one timestep per image of {@code perImage} values. */
    public void addNoise(float[] x0, float[] eps, int[] timesteps, int perImage, float[] out) {
        for (int i = 0; i < timesteps.length; i++) {
            double ab = alphasCumprod[timesteps[i]];
            float a = (float) Math.sqrt(ab), s = (float) Math.sqrt(1 - ab);
            for (int k = i * perImage; k < (i + 1) * perImage; k++) out[k] = a * x0[k] + s * eps[k];
        }
    }
}
