package dev.forge3d.runtime.splat.raster.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VectorExpTest {

    @Test
    void matchesMathExpToAFewUlpsOnTheBlendingRange() {
        float[] in = new float[8], out = new float[8];
        double worst = 0;
        for (int k = 0; k < 20000; k++) {
            for (int i = 0; i < 8; i++) in[i] = -30f * (k * 8 + i) / (20000f * 8);
            TileBlender.exp(FloatVector.fromArray(FloatVector.SPECIES_256, in, 0)).intoArray(out, 0);
            for (int i = 0; i < 8; i++) worst = Math.max(worst, Math.abs(out[i] / Math.exp(in[i]) - 1));
        }
        assertThat(worst).isLessThan(5e-7);
        TileBlender.exp(FloatVector.broadcast(FloatVector.SPECIES_256, -200f)).intoArray(out, 0);
        assertThat(out[0]).isBetween(0f, 1e-37f);
        TileBlender.exp(FloatVector.broadcast(FloatVector.SPECIES_256, 0f)).intoArray(out, 0);
        assertThat(out[0]).isEqualTo(1f);
    }
}
