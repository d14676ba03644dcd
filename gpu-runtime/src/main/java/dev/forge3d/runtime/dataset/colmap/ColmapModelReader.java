package dev.forge3d.runtime.dataset.colmap;

import dev.forge3d.runtime.camera.Pose;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a COLMAP sparse model folder in the text ({@code *.txt}) or binary ({@code *.bin}) format. */
public final class ColmapModelReader {

    /** COLMAP camera model ids and parameter counts (src/colmap/sensor/models.h). */
    private static final String[] MODEL_NAMES = {"SIMPLE_PINHOLE", "PINHOLE", "SIMPLE_RADIAL", "RADIAL", "OPENCV",
        "OPENCV_FISHEYE", "FULL_OPENCV", "FOV", "SIMPLE_RADIAL_FISHEYE", "RADIAL_FISHEYE", "THIN_PRISM_FISHEYE",
        "RAD_TAN_THIN_PRISM_FISHEYE"};
    private static final int[] MODEL_PARAMS = {3, 4, 4, 5, 8, 8, 12, 5, 4, 5, 12, 16};

    private ColmapModelReader() { }

    /** True if the folder holds a model (cameras + images in either format). */
    public static boolean isModel(Path dir) {
        return (Files.isRegularFile(dir.resolve("cameras.txt")) && Files.isRegularFile(dir.resolve("images.txt")))
                || (Files.isRegularFile(dir.resolve("cameras.bin")) && Files.isRegularFile(dir.resolve("images.bin")));
    }

    public static ColmapModel read(Path dir) {
        try {
            if (Files.isRegularFile(dir.resolve("cameras.bin")) && Files.isRegularFile(dir.resolve("images.bin"))) {
                return readBinary(dir);
            }
            if (Files.isRegularFile(dir.resolve("cameras.txt")) && Files.isRegularFile(dir.resolve("images.txt"))) {
                return readText(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read COLMAP model in " + dir + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(dir + " holds no COLMAP model (cameras.txt/images.txt or cameras.bin/images.bin)");
    }

    /** Parameter count of a model name, or -1 if unknown. */
    static int paramCount(String model) {
        for (int i = 0; i < MODEL_NAMES.length; i++) if (MODEL_NAMES[i].equals(model)) return MODEL_PARAMS[i];
        return -1;
    }

    // ---- text ----

    static ColmapModel readText(Path dir) throws IOException {
        Map<Integer, ColmapModel.CameraModel> cameras = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("cameras.txt"))) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            String[] t = s.split("\\s+");
            if (t.length < 4) throw new IllegalArgumentException("cameras.txt: bad line: " + s);
            String model = t[1];
            int n = paramCount(model);
            if (n < 0) throw new IllegalArgumentException("cameras.txt: unknown camera model " + model);
            if (t.length != 4 + n) throw new IllegalArgumentException("cameras.txt: " + model + " needs " + n + " parameters: " + s);
            double[] p = new double[n];
            for (int i = 0; i < n; i++) p[i] = Double.parseDouble(t[4 + i]);
            int id = Integer.parseInt(t[0]);
            cameras.put(id, new ColmapModel.CameraModel(id, model, Integer.parseInt(t[2]), Integer.parseInt(t[3]), p));
        }
        List<ColmapModel.Image> images = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve("images.txt"));
        int i = 0;
        while (i < lines.size()) {
            String s = lines.get(i).strip();
            i++;
            if (s.isEmpty() || s.startsWith("#")) continue;
            String[] t = s.split("\\s+", 10);
            if (t.length < 10) throw new IllegalArgumentException("images.txt: bad image line: " + s);
            double[] tr = {Double.parseDouble(t[5]), Double.parseDouble(t[6]), Double.parseDouble(t[7])};
            Pose pose = Pose.fromQuaternion(Double.parseDouble(t[1]), Double.parseDouble(t[2]), Double.parseDouble(t[3]),
                    Double.parseDouble(t[4]), tr);
            images.add(new ColmapModel.Image(Integer.parseInt(t[0]), t[9].strip(), Integer.parseInt(t[8]), pose));
            i++; // the POINTS2D line that follows every image line (possibly empty)
        }
        List<float[]> pts = new ArrayList<>();
        Path p3 = dir.resolve("points3D.txt");
        if (Files.isRegularFile(p3)) {
            for (String line : Files.readAllLines(p3)) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                String[] t = s.split("\\s+");
                if (t.length < 7) throw new IllegalArgumentException("points3D.txt: bad line: " + s);
                pts.add(new float[] {Float.parseFloat(t[1]), Float.parseFloat(t[2]), Float.parseFloat(t[3]),
                    Integer.parseInt(t[4]) / 255f, Integer.parseInt(t[5]) / 255f, Integer.parseInt(t[6]) / 255f});
            }
        }
        return build(cameras, images, pts);
    }

    private static ColmapModel build(Map<Integer, ColmapModel.CameraModel> cameras, List<ColmapModel.Image> images, List<float[]> pts) {
        float[] xyz = new float[3 * pts.size()], rgb = new float[3 * pts.size()];
        for (int k = 0; k < pts.size(); k++) {
            float[] p = pts.get(k);
            System.arraycopy(p, 0, xyz, 3 * k, 3);
            System.arraycopy(p, 3, rgb, 3 * k, 3);
        }
        for (ColmapModel.Image im : images) {
            if (!cameras.containsKey(im.cameraId()))
                throw new IllegalArgumentException("image " + im.name() + " refers to unknown camera " + im.cameraId());
        }
        return new ColmapModel(cameras, images, xyz, rgb);
    }

    // ---- binary (little endian, as written by COLMAP's WriteBinary*) ----

    private static final class LeReader implements AutoCloseable {
        private final DataInputStream in;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        LeReader(InputStream in) { this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16)); }

        private ByteBuffer fill(int n) throws IOException {
            buf.clear();
            in.readFully(buf.array(), 0, n);
            buf.limit(n);
            return buf;
        }

        int i32() throws IOException { return fill(4).getInt(0); }

        long u64() throws IOException {
            long v = fill(8).getLong(0);
            if (v < 0 || v > Integer.MAX_VALUE) throw new IOException("implausible count " + Long.toUnsignedString(v));
            return v;
        }

        long i64() throws IOException { return fill(8).getLong(0); }

        double f64() throws IOException { return fill(8).getDouble(0); }

        int u8() throws IOException { return in.readUnsignedByte(); }

        String cString() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != 0) {
                if (c < 0) throw new EOFException("unterminated image name");
                sb.append((char) c);
            }
            return sb.toString();
        }

        void skip(long n) throws IOException {
            in.skipNBytes(n);
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    static ColmapModel readBinary(Path dir) throws IOException {
        Map<Integer, ColmapModel.CameraModel> cameras = new LinkedHashMap<>();
        try (LeReader r = new LeReader(Files.newInputStream(dir.resolve("cameras.bin")))) {
            long n = r.u64();
            for (long k = 0; k < n; k++) {
                int id = r.i32();
                int modelId = r.i32();
                if (modelId < 0 || modelId >= MODEL_NAMES.length) throw new IllegalArgumentException("cameras.bin: unknown camera model id " + modelId);
                int w = (int) r.u64(), h = (int) r.u64();
                double[] p = new double[MODEL_PARAMS[modelId]];
                for (int i = 0; i < p.length; i++) p[i] = r.f64();
                cameras.put(id, new ColmapModel.CameraModel(id, MODEL_NAMES[modelId], w, h, p));
            }
        }
        List<ColmapModel.Image> images = new ArrayList<>();
        try (LeReader r = new LeReader(Files.newInputStream(dir.resolve("images.bin")))) {
            long n = r.u64();
            for (long k = 0; k < n; k++) {
                int id = r.i32();
                double qw = r.f64(), qx = r.f64(), qy = r.f64(), qz = r.f64();
                double[] t = {r.f64(), r.f64(), r.f64()};
                int cam = r.i32();
                String name = r.cString();
                long np = r.u64();
                r.skip(np * 24);
                images.add(new ColmapModel.Image(id, name, cam, Pose.fromQuaternion(qw, qx, qy, qz, t)));
            }
        }
        List<float[]> pts = new ArrayList<>();
        Path p3 = dir.resolve("points3D.bin");
        if (Files.isRegularFile(p3)) {
            try (LeReader r = new LeReader(Files.newInputStream(p3))) {
                long n = r.u64();
                for (long k = 0; k < n; k++) {
                    r.i64();
                    float x = (float) r.f64(), y = (float) r.f64(), z = (float) r.f64();
                    float cr = r.u8() / 255f, cg = r.u8() / 255f, cb = r.u8() / 255f;
                    r.f64();
                    long track = r.u64();
                    r.skip(track * 8);
                    pts.add(new float[] {x, y, z, cr, cg, cb});
                }
            }
        }
        return build(cameras, images, pts);
    }
}
