package dev.forge3d.runtime.splat.train;

/** SplitMix64: a small seeded generator whose whole state is one long, so checkpoints can save and restore it. */
public final class Rng {

    private long state;

    public Rng(long seed) { this.state = seed; }

    public long state() { return state; }

    public void setState(long s) { state = s; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    public int nextInt(int bound) { return (int) ((nextLong() >>> 33) % bound); }

    /** Standard normal (Box-Muller, no cached second value). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(), u2 = nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
