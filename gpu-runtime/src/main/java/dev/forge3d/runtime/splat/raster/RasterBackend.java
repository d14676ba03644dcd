package dev.forge3d.runtime.splat.raster;

import java.util.Locale;

/** Which rasterizer backend to use: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when usable, else CPU). */
public enum RasterBackend {
    CPU, CUDA, AUTO;

    /** Parses {@code cpu|cuda|auto} (any case); a clear error otherwise. */
    public static RasterBackend parse(String s) {
        if (s == null || s.isBlank()) return AUTO;
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backend '" + s + "': use cpu, cuda or auto");
        }
    }

    /** The default for processes that take no option: {@code FORGE3D_BACKEND} if set, else auto. */
    public static RasterBackend fromEnvironment() {
        return parse(System.getenv("FORGE3D_BACKEND"));
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
