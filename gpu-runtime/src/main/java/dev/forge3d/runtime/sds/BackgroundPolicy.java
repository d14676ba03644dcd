package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.splat.raster.RasterSettings;

import java.util.Locale;
import java.util.Random;

/**
 * What a prior's training images had behind the object, and therefore what SDS and the self-check must render
 * behind it. On a plain white backdrop a white object's lit faces, and the hole of a white torus, are the
 * background's colour, so the prior cannot tell a white torus from a white disc; behind random colours they show.
 */
public enum BackgroundPolicy {
    /** Always white. */
    WHITE,
    /** White half of the time, otherwise a uniformly random RGB colour (drawn per image). */
    RANDOM;

    private static final float[] WHITE_RGB = {1, 1, 1};

    /** The background of one image; {@link #WHITE} draws nothing from {@code rnd} (older runs stay reproducible). */
    public RasterSettings sample(Random rnd) {
        if (this == WHITE || rnd.nextBoolean()) return new RasterSettings(WHITE_RGB);
        return new RasterSettings(new float[] {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()});
    }

    public String word() { return name().toLowerCase(Locale.ROOT); }

    /** Parses {@code white} / {@code random}; null (recipes written before the policy existed) means white. */
    public static BackgroundPolicy parse(String word) {
        if (word == null) return WHITE;
        for (BackgroundPolicy p : values()) if (p.word().equals(word.strip().toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown background policy '" + word + "' (white or random)");
    }
}
