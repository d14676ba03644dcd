package dev.forge3d.runtime.sfm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * User-given intrinsics, trusted and held fixed by SfM. Two formats are read: a 3x3 camera matrix K (nine numbers,
 * row-major, as in the Strecha data sets' K.txt) or a COLMAP {@code cameras.txt} with one camera of model
 * SIMPLE_PINHOLE, PINHOLE or SIMPLE_RADIAL. Principal points use COLMAP's convention (pixel centres at +0.5).
 *
 * @param width  image width the intrinsics refer to, or 0 when the file does not say (K.txt)
 * @param height image height, or 0
 */
public record IntrinsicsFile(int width, int height, double fx, double fy, double cx, double cy, double k1) {

    public static IntrinsicsFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read intrinsics file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.getFileName().toString());
    }

    public static IntrinsicsFile parse(String text, String name) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\\R")) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) lines.add(t);
        }
        if (lines.isEmpty()) throw new IllegalArgumentException(name + ": empty intrinsics file");
        String[] first = lines.get(0).split("\\s+");
        if (first.length >= 2 && !isNumber(first[1])) return parseColmap(lines, name);
        List<Double> v = new ArrayList<>();
        for (String l : lines) {
            for (String tok : l.split("[\\s,;]+")) {
                if (tok.isEmpty()) continue;
                if (!isNumber(tok)) throw new IllegalArgumentException(name + ": not a 3x3 matrix or COLMAP cameras.txt (found '" + tok + "')");
                v.add(Double.parseDouble(tok));
            }
            if (v.size() >= 9) break;
        }
        if (v.size() < 9) throw new IllegalArgumentException(name + ": a 3x3 matrix needs 9 numbers, found " + v.size());
        double fx = v.get(0), skew = v.get(1), cx = v.get(2), fy = v.get(4), cy = v.get(5);
        if (Math.abs(v.get(3)) > 1e-9 || Math.abs(v.get(6)) > 1e-9 || Math.abs(v.get(7)) > 1e-9 || Math.abs(v.get(8) - 1) > 1e-9) {
            throw new IllegalArgumentException(name + ": K must have the form [fx s cx; 0 fy cy; 0 0 1]");
        }
        if (Math.abs(skew) > 1e-6 * fx) throw new IllegalArgumentException(name + ": skewed pixels are not supported (K[0][1] = " + skew + ")");
        if (!(fx > 0) || !(fy > 0)) throw new IllegalArgumentException(name + ": focal lengths must be positive");
        return new IntrinsicsFile(0, 0, fx, fy, cx, cy, 0);
    }

    private static IntrinsicsFile parseColmap(List<String> lines, String name) {
        if (lines.size() > 1) {
            throw new IllegalArgumentException(name + ": " + lines.size() + " cameras; give one camera shared by all photos");
        }
        String[] t = lines.get(0).split("\\s+");
        if (t.length < 4) throw new IllegalArgumentException(name + ": a camera line is CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]");
        String model = t[1].toUpperCase(Locale.ROOT);
        int w = Integer.parseInt(t[2]), h = Integer.parseInt(t[3]);
        double[] p = new double[t.length - 4];
        for (int i = 0; i < p.length; i++) p[i] = Double.parseDouble(t[4 + i]);
        IntrinsicsFile k = switch (model) {
            case "SIMPLE_PINHOLE" -> { need(p, 3, model, name); yield new IntrinsicsFile(w, h, p[0], p[0], p[1], p[2], 0); }
            case "PINHOLE" -> { need(p, 4, model, name); yield new IntrinsicsFile(w, h, p[0], p[1], p[2], p[3], 0); }
            case "SIMPLE_RADIAL" -> { need(p, 4, model, name); yield new IntrinsicsFile(w, h, p[0], p[0], p[1], p[2], p[3]); }
            default -> throw new IllegalArgumentException(name + ": camera model " + model
                    + " is not supported (use SIMPLE_PINHOLE, PINHOLE or SIMPLE_RADIAL)");
        };
        if (!(k.fx > 0) || !(k.fy > 0) || w <= 0 || h <= 0) throw new IllegalArgumentException(name + ": invalid camera " + lines.get(0));
        return k;
    }

    private static void need(double[] p, int n, String model, String name) {
        if (p.length != n) throw new IllegalArgumentException(name + ": " + model + " needs " + n + " parameters, found " + p.length);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * These intrinsics for a photo of {@code w x h}: scaled when the file refers to another resolution of the same
     * aspect ratio; an error when the aspect differs.
     */
    public double[] forImage(int w, int h, String imageName) {
        if (width == 0) return new double[] {fx, fy, cx, cy, k1};
        if (width == w && height == h) return new double[] {fx, fy, cx, cy, k1};
        double sx = (double) w / width, sy = (double) h / height;
        if (Math.abs(sx - sy) > 0.01 * sx) {
            throw new IllegalArgumentException("the intrinsics are for " + width + "x" + height + " but " + imageName + " is " + w + "x" + h);
        }
        return new double[] {fx * sx, fy * sy, cx * sx, cy * sy, k1};
    }
}
