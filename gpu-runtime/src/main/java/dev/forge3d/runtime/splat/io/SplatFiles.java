package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the splat reader or writer by file extension: {@code .ply} (Inria layout), {@code .spz}, {@code .splat} (written only). */
public final class SplatFiles {

    private SplatFiles() { }

    public static boolean isSpz(Path file) {
        return extension(file).equals("spz");
    }

    /** An SPZ by its extension; anything else is read as a PLY (whose header then says whether it is one). */
    public static GaussianModel read(Path file) {
        return isSpz(file) ? SpzReader.read(file) : PlyReader.read(file);
    }

    public static void write(GaussianModel m, Path file) {
        switch (extension(file)) {
            case "spz" -> SpzWriter.write(m, file);
            case "ply" -> PlyWriter.write(m, file);
            case "splat" -> SplatWriter.write(m, file);
            default -> throw new IllegalArgumentException("cannot write " + file + ": expected .ply, .spz or .splat");
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
