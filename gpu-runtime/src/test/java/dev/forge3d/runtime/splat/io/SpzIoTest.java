package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.TestScenes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpzIoTest {

    // The quantisation steps documented in SpzWriter, with float slack.
    static final double POSITION_ERR = 1.0 / (1 << 13) + 1e-6;
    static final double OPACITY_ERR = 1.0 / 510 + 1e-6;
    static final double DC_ERR = 1.0 / (2 * 0.15 * 255) + 1e-6;
    static final double LOG_SCALE_ERR = 1.0 / 32 + 1e-6;
    // a stored component is within sqrt(1/2) / 1022; the derived (largest) one, sqrt(1 - sum of squares), within 3 times that
    static final double QUAT_ERR = 3 * Math.sqrt(0.5) / 1022 + 1e-6;
    static final double SH1_ERR = 4.5 / 128 + 1e-6, SH23_ERR = 8.5 / 128 + 1e-6;

    @Test
    void roundTripStaysWithinTheQuantisationOfEveryAttribute() throws Exception {
        GaussianModel m = TestScenes.random(500, 11, 3);
        m.positions()[0] = -1.75f; // a negative coordinate exercises the 24-bit sign extension
        GaussianModel back = SpzReader.read(new ByteArrayInputStream(spz(m)), "mem");
        assertThat(back.size()).isEqualTo(500);
        assertThat(back.shDegree()).isEqualTo(3);
        assertRoundTrip(m, back);
    }

    static void assertRoundTrip(GaussianModel m, GaussianModel back) {
        int n = m.size();
        for (int i = 0; i < 3 * n; i++) {
            assertThat(back.positions()[i]).as("position %d", i).isCloseTo(m.positions()[i], within((float) POSITION_ERR));
            assertThat(back.shDc()[i]).as("f_dc %d", i).isCloseTo(m.shDc()[i], within((float) DC_ERR));
            assertThat(back.logScales()[i]).as("log scale %d", i).isCloseTo(m.logScales()[i], within((float) LOG_SCALE_ERR));
        }
        for (int i = 0; i < n; i++) {
            assertThat((double) GaussianModel.sigmoid(back.opacityLogits()[i])).as("opacity %d", i)
                    .isCloseTo(GaussianModel.sigmoid(m.opacityLogits()[i]), within(OPACITY_ERR));
            double[] a = unit(m.rotations(), i), b = unit(back.rotations(), i);
            assertThat(b[0] * b[0] + b[1] * b[1] + b[2] * b[2] + b[3] * b[3]).isCloseTo(1, within(1e-5));
            double sign = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] < 0 ? -1 : 1; // q and -q are one rotation
            for (int c = 0; c < 4; c++) assertThat(sign * b[c]).as("rotation %d[%d]", i, c).isCloseTo(a[c], within(QUAT_ERR));
            int coeffs = 3 * SpzWriter.shDim(m.shDegree());
            for (int j = 0; j < 45; j++) {
                float want = j < coeffs ? m.shRest()[45 * i + j] : 0f;
                assertThat(back.shRest()[45 * i + j]).as("sh %d[%d]", i, j).isCloseTo(want, within((float) (j < 9 ? SH1_ERR : SH23_ERR)));
            }
        }
    }

    @Test
    void headerAndColumnsAreLaidOutAsTheReferencePacksThem() throws Exception {
        GaussianModel m = new GaussianModel(2);
        m.setShDegree(1);
        m.set(0, 1f, -1f, 0.5f, 1f, 1f, 1f, new float[] {1, 0, 0, 0}, 0.5f, 0.5f, 0.5f, 0.5f);
        m.set(1, 0f, 0f, 0f, 1f, 1f, 1f, new float[] {0.1f, -0.9f, 0.2f, 0f}, 0.5f, 0.5f, 0.5f, 0.5f);
        m.shRest()[0] = 0.5f;   // coefficient 0, red
        m.shRest()[45 + 8] = -1f; // Gaussian 1, coefficient 2, blue
        byte[] raw = gunzip(spz(m));
        int n = 2, perPoint = 9 + 1 + 3 + 3 + 4 + 9;
        assertThat(raw).hasSize(16 + n * perPoint);
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.getInt(0)).isEqualTo(0x5053474e);
        assertThat(new String(raw, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("NGSP");
        assertThat(h.getInt(4)).isEqualTo(3);
        assertThat(h.getInt(8)).isEqualTo(2);
        assertThat(raw[12]).isEqualTo((byte) 1);  // SH degree
        assertThat(raw[13]).isEqualTo((byte) 12); // fractional bits
        assertThat(raw[14]).isZero();             // flags: our rasterizer is not the antialiased variant
        assertThat(raw[15]).isZero();
        // positions: x = 1.0 -> 4096, y = -1.0 -> -4096, z = 0.5 -> 2048, 24-bit little endian, no axis flip
        assertThat(Arrays.copyOfRange(raw, 16, 25)).containsExactly(0x00, 0x10, 0x00, 0x00, 0xf0, 0xff, 0x00, 0x08, 0x00);
        int oAlpha = 16 + 9 * n, oColor = oAlpha + n, oScale = oColor + 3 * n, oRot = oScale + 3 * n, oSh = oRot + 4 * n;
        assertThat(raw[oAlpha] & 0xff).isEqualTo(128);   // sigmoid 0.5 * 255 = 127.5, rounded
        assertThat(raw[oColor] & 0xff).isEqualTo(128);   // rgb 0.5 -> f_dc 0 -> 127.5, rounded
        assertThat(raw[oScale] & 0xff).isEqualTo(160);   // log 1 = 0 -> (0 + 10) * 16
        // identity (w largest, index 3 in x y z w) -> only the index bits
        assertThat(h.getInt(oRot)).isEqualTo(3 << 30);
        // (0.1, -0.9, 0.2, 0) w x y z: x is largest and negative, so the rest are stored negated
        int comp = h.getInt(oRot + 4);
        assertThat(comp >>> 30).isZero();
        double norm = Math.sqrt(0.01 + 0.81 + 0.04);
        assertThat((comp >>> 20) & 1023).isEqualTo(512 | (int) Math.round(0.2 / norm * Math.sqrt(2) * 511)); // y = 0.2 -> -0.2
        assertThat((comp >>> 10) & 1023).isEqualTo(512);                                                 // z = 0 -> -0
        assertThat(comp & 1023).isEqualTo(512 | (int) Math.round(0.1 / norm * Math.sqrt(2) * 511));      // w = 0.1 -> -0.1
        // SH: 0.5 -> 64 + 128 = 192 (a multiple of the degree-1 bucket of 8); -1 -> 0; 0 -> 128
        assertThat(raw[oSh] & 0xff).isEqualTo(192);
        assertThat(raw[oSh + 1] & 0xff).isEqualTo(128);
        assertThat(raw[oSh + 9 + 8] & 0xff).isEqualTo(0);
    }

    @Test
    void lowerShDegreesStoreOnlyTheirCoefficients() throws Exception {
        for (int degree = 0; degree <= 3; degree++) {
            GaussianModel m = TestScenes.random(50, 3 + degree, degree);
            byte[] raw = gunzip(spz(m));
            assertThat(raw).hasSize(16 + 50 * (20 + 3 * SpzWriter.shDim(degree)));
            GaussianModel back = SpzReader.read(new ByteArrayInputStream(spz(m)), "mem");
            assertThat(back.shDegree()).isEqualTo(degree);
            assertRoundTrip(m, back);
        }
    }

    @Test
    void finerShBitsShrinkTheShErrorAndDecodeTheSameWay() throws Exception {
        GaussianModel m = TestScenes.random(200, 8, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SpzWriter.write(m, out, 8, 8);
        GaussianModel back = SpzReader.read(new ByteArrayInputStream(out.toByteArray()), "mem");
        float worst = 0;
        for (int i = 0; i < 200 * 45; i++) worst = Math.max(worst, Math.abs(back.shRest()[i] - m.shRest()[i]));
        assertThat(worst).isLessThanOrEqualTo(0.5f / 128 + 1e-6f).isGreaterThan(0f);
        assertThat(gunzip(out.toByteArray())).hasSize(gunzip(spz(m)).length); // same layout, only the buckets differ
        assertThatThrownBy(() -> SpzWriter.write(m, new ByteArrayOutputStream(), 0, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsVersion2WithThreeByteRotations() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16 + 9 + 1 + 3 + 3 + 3).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x5053474e).putInt(2).putInt(1).put((byte) 0).put((byte) 8).put((byte) 0).put((byte) 0);
        b.put(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0}); // x = 128 / 2^8 = 0.5
        b.put((byte) 255);
        b.put(new byte[] {(byte) 255, 0, (byte) 128});
        b.put(new byte[] {(byte) 160, (byte) 144, (byte) 176});
        b.put(new byte[] {(byte) 128, (byte) 128, (byte) 217}); // x ~ 0, y ~ 0, z = 217 / 127.5 - 1 = 0.702
        GaussianModel m = SpzReader.read(new ByteArrayInputStream(gzip(b.array())), "v2");
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.positions()[0]).isEqualTo(0.5f);
        assertThat(GaussianModel.sigmoid(m.opacityLogits()[0])).isCloseTo(1f, within(1e-5f));
        assertThat(m.shDc()[0]).isCloseTo((float) (0.5 / 0.15), within(1e-5f));
        assertThat(m.logScales()[1]).isEqualTo(-1f);
        float[] q = m.rotations();
        assertThat(q[3]).isCloseTo(217 / 127.5f - 1, within(1e-6f));
        assertThat(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).isCloseTo(1f, within(1e-5f));
    }

    @Test
    void isAtMostAnEighthOfThePly(@TempDir Path dir) {
        GaussianModel m = TestScenes.random(20_000, 5, 3);
        Path ply = dir.resolve("scene.ply"), spz = dir.resolve("scene.spz");
        PlyWriter.write(m, ply);
        SpzWriter.write(m, spz);
        long plyBytes = ply.toFile().length(), spzBytes = spz.toFile().length();
        assertThat(spzBytes * 8).as("SPZ %d bytes vs PLY %d", spzBytes, plyBytes).isLessThanOrEqualTo(plyBytes);
        assertThat(SpzReader.read(spz).size()).isEqualTo(20_000);
    }

    @Test
    void refusesFilesThatAreNotSpz() throws Exception {
        byte[] good = gunzip(spz(TestScenes.random(10, 1, 3)));
        assertRefused(new byte[0], "not a gzip stream");
        assertRefused(PlyWriter.header(3).getBytes(java.nio.charset.StandardCharsets.US_ASCII), "not a gzip stream");
        assertRefused(gzip(new byte[7]), "truncated SPZ header");
        assertRefused(gzip(with(good, 0, 0x12345678)), "magic");
        assertRefused(gzip(with(good, 4, 4)), "unsupported SPZ version 4");
        assertRefused(gzip(with(good, 4, 1)), "unsupported SPZ version 1");
        byte[] degree4 = good.clone();
        degree4[12] = 4;
        assertRefused(gzip(degree4), "SH degree 4");
        byte[] extensions = good.clone();
        extensions[14] = 2;
        assertRefused(gzip(extensions), "flags");
    }

    @Test
    void refusesTruncatedStreamsAndCountsTheStreamCannotBackWithoutAllocatingThem() throws Exception {
        byte[] file = spz(TestScenes.random(200, 2, 3));
        byte[] raw = gunzip(file);
        assertRefused(Arrays.copyOf(file, file.length / 2), "truncated");       // cut inside the deflate data
        assertRefused(Arrays.copyOf(file, file.length - 4), "truncated");       // cut inside the gzip trailer
        assertRefused(gzip(Arrays.copyOf(raw, raw.length - 1)), "truncated SPZ: the header says 200 Gaussians");
        byte[] trailing = Arrays.copyOf(raw, raw.length + 1);
        assertRefused(gzip(trailing), "data after the 200 Gaussians");
        // a header that claims 30 million Gaussians over a few bytes: refused as truncated, not an OutOfMemoryError
        assertRefused(gzip(with(raw, 8, 30_000_000)), "truncated SPZ: the header says 30000000 Gaussians");
        assertRefused(gzip(with(raw, 8, -1)), "4294967295 Gaussians");
    }

    private static void assertRefused(byte[] file, String message) {
        assertThatThrownBy(() -> SpzReader.read(new ByteArrayInputStream(file), "bad.spz"))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.spz").hasMessageContaining(message);
    }

    static byte[] spz(GaussianModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SpzWriter.write(m, out);
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] with(byte[] raw, int offset, int value) {
        byte[] copy = raw.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    private static double[] unit(float[] q, int i) {
        double n = Math.sqrt((double) q[4 * i] * q[4 * i] + (double) q[4 * i + 1] * q[4 * i + 1] + (double) q[4 * i + 2] * q[4 * i + 2] + (double) q[4 * i + 3] * q[4 * i + 3]);
        return new double[] {q[4 * i] / n, q[4 * i + 1] / n, q[4 * i + 2] / n, q[4 * i + 3] / n};
    }
}
