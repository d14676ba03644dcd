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
import java.util.zip.GZIPOutputStream;

/**
 * Writes Niantic's SPZ version 3 as the reference library (nianticlabs/spz, load-spz.cc) packs it: one gzip
 * stream holding a 16-byte little-endian header (magic "NGSP", version, count, SH degree, fractional bits, flags,
 * reserved) and then one column per attribute, in this order:
 * <ul>
 *   <li>positions: 3 x 24-bit signed fixed point with {@code fractionalBits} (12 unless the scene needs fewer to fit
 *       +-2^23 steps); error at most 2^-(fb+1), 1/8192 at 12 bits;</li>
 *   <li>alphas: round(sigmoid(logit) * 255); error at most 1/510 in opacity;</li>
 *   <li>colours: round(f_dc * 0.15 * 255 + 127.5), the reference's widened DC scale; error at most 1/(2 * 0.15 * 255)
 *       = 0.0131 in f_dc units (0.0037 in RGB), range +-3.33;</li>
 *   <li>scales: round((log scale + 10) * 16); error at most 1/32 in log scale, range [-10, 5.94];</li>
 *   <li>rotations: "smallest three" in 4 bytes: index of the largest |component| (made positive) in the top 2 bits,
 *       then sign + 9-bit magnitude of the other three (x, y, z, w order) scaled by sqrt(2); a stored component is within
 *       sqrt(1/2) / 1022 = 0.0007 of the unit quaternion's, the derived one within three times that;</li>
 *   <li>SH rest (degree 1..3 as the model's degree): round(x * 128) + 128 snapped to buckets of 8 (degree 1, 5 bits)
 *       or 16 (degrees 2 and 3, 4 bits); error at most 4.5/128 or 8.5/128 inside [-1, 1), clamped outside. Coefficient-major,
 *       RGB inner, as our {@code shRest} rows are.</li>
 * </ul>
 * Coordinates are written as they are in our PLY, with no RDF to RUB flip: @playcanvas/splat-transform (which writes
 * SPZ with CoordinateSystem.UNSPECIFIED and decodes it raw) and Spark (which decodes raw) then place the scene where
 * they place our PLY, and splat-transform's SPZ to PLY conversion gives back our PLY's positions.
 */
public final class SpzWriter {

    public static final int MAGIC = 0x5053474e; // "NGSP" little endian
    public static final int VERSION = 3;
    public static final int HEADER_BYTES = 16;
    public static final int DEFAULT_FRACTIONAL_BITS = 12;
    /** The reference's DC scale: wider than SH_C0 so base colours a little outside [0, 1] survive. */
    public static final float COLOR_SCALE = 0.15f;
    public static final int SH1_BITS = 5, SH_REST_BITS = 4;
    public static final int FLAG_ANTIALIASED = 0x1;
    static final int MAX_FIXED24 = (1 << 23) - 1;
    private static final float SQRT1_2 = 0.70710678118654752f;

    private SpzWriter() { }

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

    /** Writes the gzip stream to {@code out} and finishes it; {@code out} stays open. */
    public static void write(GaussianModel m, OutputStream out) throws IOException {
        write(m, out, SH1_BITS, SH_REST_BITS);
    }

    /**
     * As {@link #write(GaussianModel, OutputStream)} with other SH precisions (1..8 bits for degree 1 and for degrees
     * 2-3). Readers decode every SH byte as (b - 128) / 128 whatever the bits, so the file stays plain SPZ.
     */
    public static void write(GaussianModel m, OutputStream out, int sh1Bits, int shRestBits) throws IOException {
        if (sh1Bits < 1 || sh1Bits > 8 || shRestBits < 1 || shRestBits > 8) throw new IllegalArgumentException("SH bits must be 1..8");
        int n = m.size(), degree = m.shDegree(), shPerPoint = 3 * shDim(degree);
        float[] p = m.positions(), op = m.opacityLogits(), dc = m.shDc(), s = m.logScales(), q = m.rotations(), rest = m.shRest();
        int fb = fractionalBits(p, n);

        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putInt(VERSION).putInt(n).put((byte) degree).put((byte) fb).put((byte) 0).put((byte) 0);

        // float arithmetic and round-half-away-from-zero as the reference's C++, so that our bytes match its bytes
        byte[] pos = new byte[9 * n];
        float unit = 1 << fb;
        for (int i = 0; i < 3 * n; i++) {
            long v = roundHalfAway(p[i] * unit);
            int fixed = (int) Math.max(-MAX_FIXED24, Math.min(MAX_FIXED24, v));
            pos[3 * i] = (byte) fixed;
            pos[3 * i + 1] = (byte) (fixed >> 8);
            pos[3 * i + 2] = (byte) (fixed >> 16);
        }
        byte[] alpha = new byte[n];
        for (int i = 0; i < n; i++) alpha[i] = toByte(GaussianModel.sigmoid(op[i]) * 255f);
        byte[] color = new byte[3 * n];
        for (int i = 0; i < 3 * n; i++) color[i] = toByte(dc[i] * (COLOR_SCALE * 255f) + 0.5f * 255f);
        byte[] scale = new byte[3 * n];
        for (int i = 0; i < 3 * n; i++) scale[i] = toByte((s[i] + 10f) * 16f);
        byte[] rot = new byte[4 * n];
        for (int i = 0; i < n; i++) {
            int c = packSmallestThree(q[4 * i + 1], q[4 * i + 2], q[4 * i + 3], q[4 * i]);
            rot[4 * i] = (byte) c;
            rot[4 * i + 1] = (byte) (c >> 8);
            rot[4 * i + 2] = (byte) (c >> 16);
            rot[4 * i + 3] = (byte) (c >>> 24);
        }
        byte[] sh = new byte[shPerPoint * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < shPerPoint; j++) {
                int bucket = j < 9 ? 1 << (8 - sh1Bits) : 1 << (8 - shRestBits);
                sh[shPerPoint * i + j] = (byte) quantizeSh(rest[45 * i + j], bucket);
            }
        }

        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        gz.write(header.array());
        for (byte[] column : new byte[][] {pos, alpha, color, scale, rot, sh}) gz.write(column);
        gz.finish();
        out.flush();
    }

    /** SH coefficients per colour channel beyond DC for a degree: 0, 3, 8, 15. */
    static int shDim(int degree) {
        return (degree + 1) * (degree + 1) - 1;
    }

    /** The reference's 12 bits unless a coordinate would overflow 24 bits; then as many as fit. */
    static int fractionalBits(float[] p, int n) {
        double max = 0;
        for (int i = 0; i < 3 * n; i++) if (Float.isFinite(p[i])) max = Math.max(max, Math.abs(p[i]));
        int fb = DEFAULT_FRACTIONAL_BITS;
        while (fb > 0 && Math.round(max * (1 << fb)) > MAX_FIXED24) fb--;
        if (Math.round(max * (1 << fb)) > MAX_FIXED24) {
            throw new IllegalArgumentException("SPZ positions are 24-bit fixed point: |coordinate| " + max + " does not fit");
        }
        return fb;
    }

    static int packSmallestThree(float x, float y, float z, float w) {
        float norm = (float) Math.sqrt(x * x + y * y + z * z + w * w);
        float[] v = norm > 0 && Float.isFinite(norm) ? new float[] {x / norm, y / norm, z / norm, w / norm} : new float[] {0, 0, 0, 1};
        int largest = 0;
        for (int i = 1; i < 4; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
        // q and -q are the same rotation: flip so the dropped component is positive and needs no sign bit
        boolean negate = v[largest] < 0;
        int comp = largest;
        for (int i = 0; i < 4; i++) {
            if (i == largest) continue;
            int negBit = (v[i] < 0) ^ negate ? 1 : 0;
            int mag = Math.min(511, (int) (511f * (Math.abs(v[i]) / SQRT1_2) + 0.5f));
            comp = (comp << 10) | (negBit << 9) | mag;
        }
        return comp;
    }

    static int quantizeSh(float x, int bucket) {
        long q = roundHalfAway(x * 128f) + 128;
        q = Math.floorDiv(q + bucket / 2, bucket) * bucket;
        return (int) Math.max(0, Math.min(255, q));
    }

    private static byte toByte(float v) {
        return (byte) (int) Math.max(0, Math.min(255, roundHalfAway(v)));
    }

    /** C's roundf: halves away from zero (Math.round rounds them up). */
    private static long roundHalfAway(float v) {
        return v < 0 ? -(long) Math.round(-v) : Math.round(v);
    }
}
