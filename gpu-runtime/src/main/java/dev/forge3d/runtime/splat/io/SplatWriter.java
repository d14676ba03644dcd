package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Writes the antimatter15 {@code .splat} format (as its convert.py does): 32 bytes per Gaussian, float32 position,
 * float32 linear scales, RGBA bytes (0.5 + C0 * f_dc, sigmoid opacity; truncated), rotation bytes
 * (q / |q| * 128 + 128, w x y z; truncated), ordered by decreasing volume x opacity. View dependence is dropped.
 */
public final class SplatWriter {

    private SplatWriter() { }

    public static void write(GaussianModel m, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                write(m, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(GaussianModel m, OutputStream out) throws IOException {
        int n = m.size();
        float[] p = m.positions(), dc = m.shDc(), op = m.opacityLogits(), s = m.logScales(), q = m.rotations();
        double[] key = new double[n];
        for (int i = 0; i < n; i++) key[i] = -Math.exp(s[3 * i] + s[3 * i + 1] + s[3 * i + 2]) / (1 + Math.exp(-op[i]));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> key[i]));
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : order) {
            b.clear();
            b.putFloat(p[3 * i]).putFloat(p[3 * i + 1]).putFloat(p[3 * i + 2]);
            b.putFloat((float) Math.exp(s[3 * i])).putFloat((float) Math.exp(s[3 * i + 1])).putFloat((float) Math.exp(s[3 * i + 2]));
            for (int c = 0; c < 3; c++) b.put(toByte((0.5 + GaussianModel.SH_C0 * (double) dc[3 * i + c]) * 255));
            b.put(toByte(1 / (1 + Math.exp(-op[i])) * 255));
            double qn = Math.sqrt((double) q[4 * i] * q[4 * i] + (double) q[4 * i + 1] * q[4 * i + 1] + (double) q[4 * i + 2] * q[4 * i + 2] + (double) q[4 * i + 3] * q[4 * i + 3]);
            for (int c = 0; c < 4; c++) b.put(toByte(q[4 * i + c] / qn * 128 + 128));
            out.write(b.array(), 0, 32);
        }
    }

    private static byte toByte(double v) {
        return (byte) (int) Math.max(0, Math.min(255, v)); // numpy clip(0, 255).astype(uint8) truncates
    }
}
