package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Gaussian splat PLY in the Inria layout (binary little endian, float properties in any order; f_rest may
 * hold 0, 9, 24 or 45 values, which sets the SH degree). Extra float properties are ignored.
 */
public final class PlyReader {

    private PlyReader() { }

    public static GaussianModel read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static GaussianModel read(InputStream in, String name) throws IOException {
        List<String> props = new ArrayList<>();
        int count = -1;
        boolean binaryLe = false, inVertex = false;
        while (true) {
            String line = readLine(in, name).strip();
            if (line.equals("end_header")) break;
            String[] t = line.split("\\s+");
            switch (t[0]) {
                case "format" -> binaryLe = t.length > 1 && t[1].equals("binary_little_endian");
                case "element" -> {
                    inVertex = t.length > 2 && t[1].equals("vertex");
                    if (inVertex) count = Integer.parseInt(t[2]);
                    else if (count >= 0 && t.length > 2 && Integer.parseInt(t[2]) > 0)
                        throw new IllegalArgumentException(name + ": elements after 'vertex' are not supported");
                }
                case "property" -> {
                    if (!inVertex) continue;
                    if (t.length != 3 || !t[1].equals("float"))
                        throw new IllegalArgumentException(name + ": only float vertex properties are supported, got: " + line);
                    props.add(t[2]);
                }
                default -> { }
            }
        }
        if (!binaryLe) throw new IllegalArgumentException(name + ": only binary_little_endian PLY is supported");
        if (count < 0) throw new IllegalArgumentException(name + ": no vertex element");
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < props.size(); i++) idx.put(props.get(i), i);
        for (String req : new String[] {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"}) {
            if (!idx.containsKey(req)) throw new IllegalArgumentException(name + ": missing property " + req + " (not a Gaussian splat PLY?)");
        }
        int rest = 0;
        while (idx.containsKey("f_rest_" + rest)) rest++;
        int degree = switch (rest) {
            case 0 -> 0; case 9 -> 1; case 24 -> 2; case 45 -> 3;
            default -> throw new IllegalArgumentException(name + ": " + rest + " f_rest properties (expected 0, 9, 24 or 45)");
        };
        int coeffs = rest / 3;
        int stride = props.size();
        GaussianModel m = new GaussianModel(count);
        m.setShDegree(degree);
        float[] p = m.positions(), dc = m.shDc(), rs = m.shRest(), op = m.opacityLogits(), s = m.logScales(), q = m.rotations();
        int[] restIdx = new int[rest];
        for (int k = 0; k < rest; k++) restIdx[k] = idx.get("f_rest_" + k);
        int ix = idx.get("x"), iy = idx.get("y"), iz = idx.get("z"), io = idx.get("opacity");
        int[] idc = {idx.get("f_dc_0"), idx.get("f_dc_1"), idx.get("f_dc_2")};
        int[] isc = {idx.get("scale_0"), idx.get("scale_1"), idx.get("scale_2")};
        int[] iq = {idx.get("rot_0"), idx.get("rot_1"), idx.get("rot_2"), idx.get("rot_3")};
        byte[] row = new byte[stride * 4];
        ByteBuffer b = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            if (in.readNBytes(row, 0, row.length) != row.length) throw new IllegalArgumentException(name + ": truncated at vertex " + i + " of " + count);
            p[3 * i] = b.getFloat(4 * ix); p[3 * i + 1] = b.getFloat(4 * iy); p[3 * i + 2] = b.getFloat(4 * iz);
            for (int c = 0; c < 3; c++) dc[3 * i + c] = b.getFloat(4 * idc[c]);
            for (int c = 0; c < 3; c++) for (int k = 0; k < coeffs; k++) rs[45 * i + 3 * k + c] = b.getFloat(4 * restIdx[c * coeffs + k]);
            op[i] = b.getFloat(4 * io);
            for (int c = 0; c < 3; c++) s[3 * i + c] = b.getFloat(4 * isc[c]);
            for (int c = 0; c < 4; c++) q[4 * i + c] = b.getFloat(4 * iq[c]);
        }
        return m;
    }

    private static String readLine(InputStream in, String name) throws IOException {
        ByteArrayOutputStream sb = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IllegalArgumentException(name + ": not a PLY file (header ends early)");
            sb.write(c);
            if (sb.size() > 4096) throw new IllegalArgumentException(name + ": not a PLY file");
        }
        return sb.toString(StandardCharsets.US_ASCII);
    }
}
