package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import static dev.forge3d.runtime.splat.io.SpzWriter.COLOR_SCALE;
import static dev.forge3d.runtime.splat.io.SpzWriter.FLAG_ANTIALIASED;
import static dev.forge3d.runtime.splat.io.SpzWriter.HEADER_BYTES;
import static dev.forge3d.runtime.splat.io.SpzWriter.MAGIC;

/**
 * Reads SPZ versions 2 and 3 (see {@link SpzWriter} for the layout) into a {@link GaussianModel}, decoding as the
 * reference library does with no coordinate conversion. Refuses with an {@link IOException} naming the problem: not
 * gzip, bad magic, other versions, SH degree above 3, flags other than antialiased (extensions are not read), a
 * stream shorter than the header's count needs, or data after it.
 */
public final class SpzReader {

    /** Opacity is clamped into (0, 1) before the logit so bytes 0 and 255 stay finite (as splat-transform does). */
    private static final double ALPHA_EPS = 1e-6;

    private SpzReader() { }

    public static GaussianModel read(Path file) {
        String name = file.toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, name);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            throw new UncheckedIOException(msg.startsWith(name + ": ") ? msg : "cannot read " + name + ": " + msg, e);
        }
    }

    public static GaussianModel read(InputStream raw, String name) throws IOException {
        GZIPInputStream in;
        try {
            in = new GZIPInputStream(raw, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new IOException(name + ": not an SPZ file (not a gzip stream)", e);
        }
        byte[] head = readFully(in, HEADER_BYTES, name);
        if (head.length < HEADER_BYTES) throw new IOException(name + ": truncated SPZ header (" + head.length + " of 16 bytes)");
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != MAGIC) throw new IOException(name + ": not an SPZ file (magic 0x" + Integer.toHexString(h.getInt(0)) + ", expected 0x5053474e)");
        int version = h.getInt(4);
        if (version != 2 && version != 3) throw new IOException(name + ": unsupported SPZ version " + Integer.toUnsignedString(version) + " (reads 2 and 3)");
        long count = Integer.toUnsignedLong(h.getInt(8));
        int degree = head[12] & 0xff, fb = head[13] & 0xff, flags = head[14] & 0xff;
        if (degree > GaussianModel.MAX_SH_DEGREE) throw new IOException(name + ": unsupported SH degree " + degree + " (0..3)");
        if (fb > 23) throw new IOException(name + ": " + fb + " fractional bits do not fit 24-bit positions");
        if ((flags & ~FLAG_ANTIALIASED) != 0) throw new IOException(name + ": unsupported SPZ flags 0x" + Integer.toHexString(flags) + " (extensions are not read)");

        int rotBytes = version == 2 ? 3 : 4, shPerPoint = 3 * SpzWriter.shDim(degree);
        int perPoint = 9 + 1 + 3 + 3 + rotBytes + shPerPoint;
        long payload = count * perPoint;
        if (payload > Integer.MAX_VALUE - 8 || count * 45 > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": " + count + " Gaussians is more than one SPZ model can hold here");
        }
        // readNBytes grows its buffer as data arrives, so a lying count costs only what the stream really holds
        byte[] d = readFully(in, (int) payload, name);
        if (d.length < payload) {
            throw new IOException(name + ": truncated SPZ: the header says " + count + " Gaussians (" + payload + " bytes) but the stream holds " + d.length);
        }
        int extra = readFully(in, 1, name).length; // reading to the end also checks the gzip CRC
        if (extra != 0) throw new IOException(name + ": data after the " + count + " Gaussians the header declares");

        int n = (int) count;
        GaussianModel m = new GaussianModel(n);
        m.setShDegree(degree);
        float[] p = m.positions(), op = m.opacityLogits(), dc = m.shDc(), s = m.logScales(), q = m.rotations(), rest = m.shRest();
        int oAlpha = 9 * n, oColor = oAlpha + n, oScale = oColor + 3 * n, oRot = oScale + 3 * n, oSh = oRot + rotBytes * n;
        double unit = 1.0 / (1 << fb);
        for (int i = 0; i < 3 * n; i++) {
            int fixed = (d[3 * i] & 0xff) | (d[3 * i + 1] & 0xff) << 8 | d[3 * i + 2] << 16; // top byte sign-extends
            p[i] = (float) (fixed * unit);
        }
        for (int i = 0; i < n; i++) {
            double a = Math.max(ALPHA_EPS, Math.min(1 - ALPHA_EPS, (d[oAlpha + i] & 0xff) / 255.0));
            op[i] = (float) Math.log(a / (1 - a));
        }
        for (int i = 0; i < 3 * n; i++) dc[i] = (float) (((d[oColor + i] & 0xff) / 255.0 - 0.5) / COLOR_SCALE);
        for (int i = 0; i < 3 * n; i++) s[i] = (d[oScale + i] & 0xff) / 16f - 10f;
        for (int i = 0; i < n; i++) {
            if (version == 3) {
                int o = oRot + 4 * i;
                unpackSmallestThree((d[o] & 0xff) | (d[o + 1] & 0xff) << 8 | (d[o + 2] & 0xff) << 16 | (d[o + 3] & 0xff) << 24, q, 4 * i);
            } else {
                int o = oRot + 3 * i;
                double x = (d[o] & 0xff) / 127.5 - 1, y = (d[o + 1] & 0xff) / 127.5 - 1, z = (d[o + 2] & 0xff) / 127.5 - 1;
                q[4 * i] = (float) Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z));
                q[4 * i + 1] = (float) x; q[4 * i + 2] = (float) y; q[4 * i + 3] = (float) z;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < shPerPoint; j++) rest[45 * i + j] = ((d[oSh + shPerPoint * i + j] & 0xff) - 128) / 128f;
        }
        return m;
    }

    /** Decodes into {@code q[at..at+3]} as w, x, y, z (our order; SPZ's is x, y, z, w). */
    static void unpackSmallestThree(int comp, float[] q, int at) {
        double[] v = new double[4];
        int largest = comp >>> 30;
        double sum = 0;
        for (int i = 3; i >= 0; i--) {
            if (i == largest) continue;
            double mag = (comp & 511) / 511.0 * Math.sqrt(0.5);
            v[i] = (comp & 512) != 0 ? -mag : mag;
            sum += v[i] * v[i];
            comp >>>= 10;
        }
        v[largest] = Math.sqrt(Math.max(0, 1 - sum));
        q[at] = (float) v[3]; q[at + 1] = (float) v[0]; q[at + 2] = (float) v[1]; q[at + 3] = (float) v[2];
    }

    private static byte[] readFully(InputStream in, int len, String name) throws IOException {
        try {
            return in.readNBytes(len);
        } catch (EOFException e) {
            throw new IOException(name + ": truncated SPZ (the gzip stream ends early)", e);
        } catch (ZipException e) {
            throw new IOException(name + ": corrupt SPZ gzip stream: " + e.getMessage(), e);
        }
    }
}
