package dev.forge3d.jobs.options;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options of a {@code photos-to-splat} job, parsed and checked. The API validates them with {@link #parse} when
 * a job is created (a bad value is a 400), and the worker parses them again before it runs the job. This module
 * depends on Jackson only, so the API carries the same rules without the worker's libraries.
 *
 * <ul>
 *   <li>{@code preset}: {@code preview} / {@code standard} / {@code high}, which picks the resolution and the
 *       iteration budget (see {@link Preset});</li>
 *   <li>{@code maxResolution}: longest image side in pixels the photos are resized to for training (overrides the
 *       preset);</li>
 *   <li>{@code sfmResolution}: longest image side structure from motion reads the photos at (never above their own
 *       size), whatever the training resolution: features from small photos fail to tie the views together;</li>
 *   <li>{@code videoFrames}: with a video instead of photos, at most this many frames are taken from it (spaced by
 *       the camera's motion, the sharpest of each stretch);</li>
 *   <li>{@code iterations}: 3DGS iterations (overrides the preset);</li>
 *   <li>{@code seed}: random seed (training is deterministic for a seed and thread count);</li>
 *   <li>{@code background}: {@code white}, {@code black}, {@code #rrggbb} or {@code r,g,b} in 0..1;</li>
 *   <li>{@code outputFormats}: comma-separated subset of {@code ply}, {@code splat}, {@code spz}, {@code glb}
 *       (default all four);</li>
 *   <li>{@code crop}: {@code auto} (the object the photos look at, cut from its surroundings, upright) or
 *       {@code none} (the whole scene);</li>
 *   <li>{@code autoMasks}: {@code auto} (when the upload has no masks and the photos show a plain backdrop, a sweep
 *       or a light box, the object's masks are estimated and used as an upload's would be) or {@code off};</li>
 *   <li>{@code meshTriangles}: the GLB mesh's triangle budget;</li>
 *   <li>{@code scaleMeters}: the object's real height in metres; the assets are scaled to it (without it, photos
 *       with known poses keep their units and structure-from-motion results get a height of 1 unit).</li>
 * </ul>
 *
 * @param capped what a worker's limits lowered (empty when nothing was), for metrics and the job's message
 */
public record PhotoJobOptions(Preset preset, int maxResolution, int sfmResolution, int videoFrames, int iterations, long seed,
                              float[] background, Set<String> outputFormats, Crop crop, boolean autoMasks, int meshTriangles,
                              double scaleMeters, List<String> capped) {

    public static final int MIN_RESOLUTION = 64;
    public static final int MAX_RESOLUTION = 8192;
    /**
     * SfM's default photo size, as the CLI's {@code sfm}: COLMAP extracts features at up to 3200 px. The real capture
     * buddha13 (2736 px photos) registers at its own size and fails at 2048, 1600 and 1024 px (docs/sfm.md, "SfM
     * resolution").
     */
    public static final int DEFAULT_SFM_RESOLUTION = 3072;
    public static final int MIN_SFM_RESOLUTION = 200;
    /** A video gives at most this many frames unless the job says otherwise. */
    public static final int DEFAULT_VIDEO_FRAMES = 80;
    public static final int MIN_VIDEO_FRAMES = 8;
    public static final int MAX_VIDEO_FRAMES = 500;
    public static final int MAX_ITERATIONS = 200_000;
    public static final Set<String> FORMATS = Set.of("ply", "splat", "spz", "glb");
    public static final int MIN_TRIANGLES = 1_000;
    public static final int MAX_TRIANGLES = 2_000_000;
    public static final double MIN_SCALE_METERS = 0.001;
    public static final double MAX_SCALE_METERS = 1000;
    /** The GLB mesh's default triangle budget (the worker's asset builder has the same default; a test checks). */
    public static final int DEFAULT_TRIANGLES = 100_000;
    /** The option names this class reads. */
    public static final Set<String> NAMES = Set.of("preset", "maxResolution", "sfmResolution", "videoFrames", "iterations", "seed", "background",
            "outputFormats", "crop", "autoMasks", "meshTriangles", "scaleMeters");

    /** {@code auto}: the object the photos look at, cut from its surroundings; {@code none}: the whole scene. */
    public enum Crop { AUTO, NONE }

    /** Resolution, iteration and Gaussian budgets per preset. */
    public enum Preset {
        /**
         * A quick look: a small set finishes in minutes on a CPU. Small photos and many iterations: 600 iterations at
         * 400 px left floaters over every view (tune-mug 17 dB at 400 px), 2000 at 200 px took about the same time
         * and gave 25 dB at 400 px (docs/trainer.md, job schedule).
         */
        PREVIEW(200, 2000, 200_000),
        /** Good quality at moderate cost (3DGS's 7k-iteration point). */
        STANDARD(1000, 7000, 1_000_000),
        /** The 3DGS reference budget. */
        HIGH(1600, 30000, 3_000_000);

        public final int resolution;
        public final int iterations;
        /** The most Gaussians training may grow to. */
        public final int maxGaussians;

        Preset(int resolution, int iterations, int maxGaussians) {
            this.resolution = resolution;
            this.iterations = iterations;
            this.maxGaussians = maxGaussians;
        }

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    public PhotoJobOptions {
        background = background.clone();
        outputFormats = Set.copyOf(outputFormats);
        capped = List.copyOf(capped);
    }

    /** Parses the job's params; throws {@link IllegalArgumentException} with a message naming the option. */
    public static PhotoJobOptions parse(ObjectNode params) {
        Preset preset = Preset.PREVIEW;
        String p = text(params, "preset");
        if (p != null) {
            try {
                preset = Preset.valueOf(p.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option 'preset' must be preview, standard or high, got '"
                        + OptionValues.abbreviate(p) + "'");
            }
        }
        int res = integer(params, "maxResolution", preset.resolution, MIN_RESOLUTION, MAX_RESOLUTION);
        int sfm = integer(params, "sfmResolution", DEFAULT_SFM_RESOLUTION, MIN_SFM_RESOLUTION, MAX_RESOLUTION);
        int frames = integer(params, "videoFrames", DEFAULT_VIDEO_FRAMES, MIN_VIDEO_FRAMES, MAX_VIDEO_FRAMES);
        int its = integer(params, "iterations", preset.iterations, 1, MAX_ITERATIONS);
        long seed = OptionValues.longValue(params, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        float[] bg = background(text(params, "background"));
        Set<String> formats = formats(text(params, "outputFormats"));
        Crop crop = crop(text(params, "crop"));
        boolean autoMasks = autoMasks(text(params, "autoMasks"));
        int triangles = integer(params, "meshTriangles", DEFAULT_TRIANGLES, MIN_TRIANGLES, MAX_TRIANGLES);
        double scale = OptionValues.decimal(params, "scaleMeters", Double.NaN, MIN_SCALE_METERS, MAX_SCALE_METERS);
        return new PhotoJobOptions(preset, res, sfm, frames, its, seed, bg, formats, crop, autoMasks, triangles, scale, List.of());
    }

    /** These options with a worker's caps applied; what was lowered is listed in {@link #capped()}. */
    public PhotoJobOptions cappedTo(int maxResolutionCap, int maxIterationsCap) {
        List<String> notes = new ArrayList<>();
        int res = maxResolution, its = iterations;
        if (res > maxResolutionCap) {
            notes.add("maxResolution " + res + " -> " + maxResolutionCap);
            res = maxResolutionCap;
        }
        if (its > maxIterationsCap) {
            notes.add("iterations " + its + " -> " + maxIterationsCap);
            its = maxIterationsCap;
        }
        return new PhotoJobOptions(preset, res, sfmResolution, videoFrames, its, seed, background, outputFormats, crop, autoMasks, meshTriangles,
                scaleMeters, notes);
    }

    /** Memory a worker needs for everything but the photos and the Gaussians (JVM, SfM, rasterizer buffers). */
    static final long BASE_MEMORY_BYTES = 256L << 20;
    /** Per Gaussian: 59 parameters, their gradient and two Adam moments, plus densification and projection data. */
    static final long BYTES_PER_GAUSSIAN = 1024;
    /** Per pixel of a prepared photo held for training (RGB floats plus working copies). */
    static final long BYTES_PER_PIXEL = 16;
    /** Per pixel of a photo held by structure from motion (packed RGB; grey levels are made per photo). */
    static final long SFM_BYTES_PER_PIXEL = 4;
    /** Per SIFT feature kept by structure from motion (descriptor, keypoint, matches). */
    static final long SFM_BYTES_PER_FEATURE = 640;

    /**
     * The memory (bytes of heap) a worker needs to run these options on {@code images} photos without running out:
     * a base plus the larger of the two phases that do not overlap: structure from motion (every photo at
     * {@code sfmResolution}, 4:3 assumed, with its features) and training (the preset's Gaussian ceiling at
     * {@link #BYTES_PER_GAUSSIAN} each and every photo at {@code maxResolution} at {@link #BYTES_PER_PIXEL} per
     * pixel). An estimate from the options alone, before any photo is decoded: it errs on the high side.
     */
    public long estimatedMemoryBytes(int images) {
        return estimatedMemoryBytes(images, Integer.MAX_VALUE);
    }

    /** The same, for photos no larger than {@code largestSide} pixels on their longest side (neither phase upscales). */
    public long estimatedMemoryBytes(int images, int largestSide) {
        int n = Math.max(1, images);
        long side = Math.min(maxResolution, largestSide), sfmSide = Math.min(sfmResolution, largestSide);
        long pixels = side * side * 3 / 4;
        long training = preset.maxGaussians * BYTES_PER_GAUSSIAN + n * pixels * BYTES_PER_PIXEL;
        long sfmPixels = sfmSide * sfmSide * 3 / 4;
        long sfm = n * (sfmPixels * SFM_BYTES_PER_PIXEL + sfmFeatures() * SFM_BYTES_PER_FEATURE);
        return BASE_MEMORY_BYTES + Math.max(training, sfm);
    }

    /** SIFT features structure from motion keeps per photo: fewer for a quick look. */
    public int sfmFeatures() {
        return preset == Preset.PREVIEW ? 4000 : 8000;
    }

    /** The {@code crop} option (also the CLI's {@code --crop}); null is {@code auto}. */
    public static Crop crop(String s) {
        if (s == null) return Crop.AUTO;
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> Crop.AUTO;
            case "none" -> Crop.NONE;
            default -> throw new IllegalArgumentException("option 'crop' must be auto or none, got '" + OptionValues.abbreviate(s) + "'");
        };
    }

    /** The {@code autoMasks} option; null is {@code auto}. */
    public static boolean autoMasks(String s) {
        if (s == null) return true;
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("option 'autoMasks' must be auto or off, got '"
                    + OptionValues.abbreviate(s) + "'");
        };
    }

    private static String text(ObjectNode params, String name) {
        return OptionValues.text(params, name);
    }

    private static int integer(ObjectNode params, String name, int def, int min, int max) {
        return (int) OptionValues.longValue(params, name, def, min, max);
    }

    static float[] background(String s) {
        if (s == null) return new float[] {1, 1, 1};
        String v = s.strip().toLowerCase(Locale.ROOT);
        String bad = "option 'background' must be white, black, #rrggbb or r,g,b with values in 0..1, got '"
                + OptionValues.abbreviate(s) + "'";
        switch (v) {
            case "white": return new float[] {1, 1, 1};
            case "black": return new float[] {0, 0, 0};
            default: break;
        }
        if (v.matches("#[0-9a-f]{6}")) {
            int rgb = Integer.parseInt(v.substring(1), 16);
            return new float[] {((rgb >> 16) & 255) / 255f, ((rgb >> 8) & 255) / 255f, (rgb & 255) / 255f};
        }
        String[] parts = v.split(",");
        if (parts.length != 3) throw new IllegalArgumentException(bad);
        float[] b = new float[3];
        for (int i = 0; i < 3; i++) {
            try {
                b[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bad);
            }
            if (!(b[i] >= 0 && b[i] <= 1)) throw new IllegalArgumentException(bad);
        }
        return b;
    }

    static Set<String> formats(String s) {
        if (s == null) return FORMATS;
        Set<String> out = new LinkedHashSet<>();
        for (String f : s.split(",")) {
            String t = f.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) continue;
            if (!FORMATS.contains(t)) {
                throw new IllegalArgumentException("option 'outputFormats' takes a comma-separated list of ply, splat, spz, glb; got '" + OptionValues.abbreviate(f.strip()) + "'");
            }
            out.add(t);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("option 'outputFormats' names no format (use any of ply, splat, spz, glb)");
        return out;
    }
}
