package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the Inria 3DGS point_cloud.ply layout byte for byte: binary little endian, float32 properties
 * x y z nx ny nz f_dc_0..2 f_rest_0..44 opacity scale_0..2 rot_0..3 (normals zero, f_rest channel-major, opacity
 * as logit, log scales, unnormalised quaternion w first). All 45 f_rest are written whatever the active degree.
 */
public final class PlyWriter {

    public static final int FLOATS_PER_VERTEX = 62;

    private PlyWriter() { }

    public static String header(int count) {
        StringBuilder sb = new StringBuilder();
        sb.append("ply\nformat binary_little_endian 1.0\nelement vertex ").append(count).append('\n');
        for (String p : new String[] {"x", "y", "z", "nx", "ny", "nz"}) sb.append("property float ").append(p).append('\n');
        for (int i = 0; i < 3; i++) sb.append("property float f_dc_").append(i).append('\n');
        for (int i = 0; i < 45; i++) sb.append("property float f_rest_").append(i).append('\n');
        sb.append("property float opacity\n");
        for (int i = 0; i < 3; i++) sb.append("property float scale_").append(i).append('\n');
        for (int i = 0; i < 4; i++) sb.append("property float rot_").append(i).append('\n');
        sb.append("end_header\n");
        return sb.toString();
    }

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
        out.write(header(n).getBytes(StandardCharsets.US_ASCII));
        ByteBuffer buf = ByteBuffer.allocate(FLOATS_PER_VERTEX * 4 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        float[] p = m.positions(), dc = m.shDc(), rest = m.shRest(), op = m.opacityLogits(), s = m.logScales(), q = m.rotations();
        for (int i = 0; i < n; i++) {
            buf.putFloat(p[3 * i]).putFloat(p[3 * i + 1]).putFloat(p[3 * i + 2]);
            buf.putFloat(0f).putFloat(0f).putFloat(0f);
            buf.putFloat(dc[3 * i]).putFloat(dc[3 * i + 1]).putFloat(dc[3 * i + 2]);
            for (int c = 0; c < 3; c++) for (int k = 0; k < 15; k++) buf.putFloat(rest[45 * i + 3 * k + c]);
            buf.putFloat(op[i]);
            buf.putFloat(s[3 * i]).putFloat(s[3 * i + 1]).putFloat(s[3 * i + 2]);
            buf.putFloat(q[4 * i]).putFloat(q[4 * i + 1]).putFloat(q[4 * i + 2]).putFloat(q[4 * i + 3]);
            if (!buf.hasRemaining() || buf.remaining() < FLOATS_PER_VERTEX * 4) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
    }
}
