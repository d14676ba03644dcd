package dev.forge3d.runtime.sfm.eval;

import dev.forge3d.runtime.camera.Pose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads camera poses to evaluate against: a Strecha {@code gt_dense_cameras} folder ({@code NAME.camera} files:
 * K, distortion, camera-to-world rotation R, camera centre t, image size; projection {@code K [R^T | -R^T t]})
 * or the {@code images.txt} of a COLMAP text model (the estimate).
 */
public final class GroundTruthCameras {

    private GroundTruthCameras() { }

    /** Poses by image name from a folder of Strecha {@code .camera} files. */
    public static Map<String, Pose> readStrecha(Path dir) {
        Map<String, Pose> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".camera")).toList()) {
                List<Double> v = numbers(Files.readString(f));
                if (v.size() < 24) throw new IllegalArgumentException(f.getFileName() + ": not a Strecha .camera file");
                double[] rc2w = new double[9];
                for (int i = 0; i < 9; i++) rc2w[i] = v.get(12 + i);
                double[] c = {v.get(21), v.get(22), v.get(23)};
                String name = f.getFileName().toString();
                out.put(name.substring(0, name.length() - ".camera".length()), Pose.fromCameraToWorld(rc2w, c));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no .camera files in " + dir);
        return out;
    }

    /** Poses by image name from a COLMAP model folder (its {@code images.txt}). */
    public static Map<String, Pose> readColmapImages(Path modelDir) {
        Path images = modelDir.resolve("images.txt");
        if (!Files.isRegularFile(images)) throw new IllegalArgumentException("no images.txt in " + modelDir);
        Map<String, Pose> out = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(images);
            boolean header = true;
            for (String line : lines) {
                String t = line.strip();
                if (t.startsWith("#")) continue;
                if (header) {
                    if (t.isEmpty()) continue;
                    String[] p = t.split("\\s+");
                    if (p.length < 10) throw new IllegalArgumentException("images.txt: malformed line '" + t + "'");
                    out.put(p[9], Pose.fromQuaternion(d(p[1]), d(p[2]), d(p[3]), d(p[4]), new double[] {d(p[5]), d(p[6]), d(p[7])}));
                    header = false;
                } else {
                    header = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + images + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static double d(String s) { return Double.parseDouble(s); }

    private static List<Double> numbers(String text) {
        List<Double> v = new ArrayList<>();
        for (String tok : text.trim().split("\\s+")) if (!tok.isEmpty()) v.add(Double.parseDouble(tok));
        return v;
    }
}
