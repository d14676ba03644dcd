package dev.forge3d.runtime.image;

import dev.forge3d.runtime.image.ingest.AreaResampler;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Per-photo object masks (white = the object, black = not the object), as a job's {@code masks/} folder carries
 * them: read with their stored grey levels, resampled to another size as coverage in [0, 1], grown by the margin
 * they are trusted to, and used to composite a photo over a plain background so that training sees the object alone.
 */
public final class ObjectMasks {

    private ObjectMasks() { }

    /** The mask file as an RGB image of its grey levels; throws {@link IOException} when it is not a readable image. */
    public static BufferedImage read(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (RuntimeException e) {
            img = null;
        }
        if (img == null) throw new IOException("the mask " + file.getFileName() + " is not a readable PNG");
        return greyAsRgb(img);
    }

    /**
     * The mask's grey levels as stored (read from the raster: {@code getRGB} would gamma-convert a grey PNG), alpha
     * ignored, in an RGB image with r = g = b.
     */
    public static BufferedImage greyAsRgb(BufferedImage mask) {
        java.awt.image.Raster r = mask.getRaster();
        int w = mask.getWidth(), h = mask.getHeight(), bands = r.getNumBands();
        boolean colour = bands >= 3 && mask.getColorModel().getNumColorComponents() >= 3;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        int max = (1 << r.getSampleModel().getSampleSize(0)) - 1;
        for (int y = 0; y < h; y++) {
            if (mask.getColorModel() instanceof java.awt.image.IndexColorModel) {
                mask.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) row[x] = luma(row[x]);
            } else {
                for (int x = 0; x < w; x++) {
                    int g = colour
                            ? Math.round(0.299f * r.getSample(x, y, 0) + 0.587f * r.getSample(x, y, 1) + 0.114f * r.getSample(x, y, 2))
                            : r.getSample(x, y, 0);
                    row[x] = max == 255 ? g : Math.round(g * 255f / max);
                }
            }
            for (int x = 0; x < w; x++) row[x] = (row[x] << 16) | (row[x] << 8) | row[x];
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /**
     * The share of each pixel of a {@code width x height} image that the mask covers (area resampling of its grey
     * levels, 1 = object), row-major.
     */
    public static float[] coverage(BufferedImage greyMask, int width, int height) {
        BufferedImage small = AreaResampler.downscale(greyMask, width, height);
        int[] rgb = small.getRGB(0, 0, width, height, null, 0, width);
        float[] out = new float[width * height];
        for (int i = 0; i < rgb.length; i++) out[i] = (rgb[i] & 255) / 255f;
        return out;
    }

    /**
     * How far (pixels of the image a mask is used at) the object is trusted to reach beyond its mask: training keeps
     * the photo, and the mesh keeps the volume, this far outside. A mask from a background-removal tool is a pixel or
     * two off; taken exactly, an eroded mask shaves the object's edge. Measured on the TUNE scenes with ground-truth
     * masks, exact / eroded 3 px / dilated 3 px at 400 px, trained at 200 px (mesh F@1 %, docs/product-scenes.md):
     * margin 0: tune-vase 0.878 / 0.143 / 0.587, tune-mug 0.675 / 0.102 / 0.589; margin 1: 0.880 / 0.834 / 0.808,
     * 0.708 / 0.613 / 0.563; margin 2: 0.818 / 0.889 / 0.812, 0.622 / 0.701 / 0.521. Overridable with
     * {@code -Dforge3d.masks.marginPx=N} to measure others.
     */
    public static final int MARGIN_PX = 1;

    public static int marginPx() {
        String v = System.getProperty("forge3d.masks.marginPx");
        return v == null ? MARGIN_PX : Integer.parseInt(v);
    }

    /** The mask as coverage at {@code width x height}, grown by {@link #marginPx()}: the extent the object is trusted to. */
    public static float[] trustedCoverage(BufferedImage greyMask, int width, int height) {
        return dilate(coverage(greyMask, width, height), width, height, marginPx());
    }

    /** The coverage grown by {@code radius} pixels (the largest value within that distance, a disc), row-major. */
    public static float[] dilate(float[] coverage, int width, int height, int radius) {
        if (radius <= 0) return coverage.clone();
        float[] out = new float[coverage.length];
        int r2 = radius * radius;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float best = 0;
                for (int dy = -radius; dy <= radius && best < 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) continue;
                    for (int dx = -radius; dx <= radius; dx++) {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width || dx * dx + dy * dy > r2) continue;
                        best = Math.max(best, coverage[yy * width + xx]);
                    }
                }
                out[y * width + x] = best;
            }
        }
        return out;
    }

    /** {@code photo * m + background * (1 - m)} with {@code m} the coverage at the photo's size (row-major). */
    public static BufferedImage composite(BufferedImage photo, float[] m, float[] background) {
        int w = photo.getWidth(), h = photo.getHeight();
        if (m.length != w * h) throw new IllegalArgumentException("coverage of " + m.length + " pixels for a " + w + "x" + h + " photo");
        int[] argb = photo.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            float a = m[i];
            int r = Math.round(((p >> 16) & 255) * a + 255 * background[0] * (1 - a));
            int g = Math.round(((p >> 8) & 255) * a + 255 * background[1] * (1 - a));
            int b = Math.round((p & 255) * a + 255 * background[2] * (1 - a));
            argb[i] = (r << 16) | (g << 8) | b;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        return out;
    }

    /**
     * Writes a coverage (as {@link #composite} used it) as an 8-bit grey PNG, so that the stage that trains on the
     * composited image knows which of its pixels are the photo and which the background.
     */
    public static void writeCoverage(float[] m, int width, int height, Path file) throws IOException {
        if (m.length != width * height) throw new IllegalArgumentException("coverage of " + m.length + " pixels for " + width + "x" + height);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < m.length; i++) px[i] = (byte) Math.round(Math.max(0, Math.min(1, m[i])) * 255);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) java.nio.file.Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer for " + file);
    }

    /** A coverage written by {@link #writeCoverage}; it must have the size {@code width x height}. */
    public static float[] readCoverage(Path file, int width, int height) throws IOException {
        BufferedImage img = read(file);
        if (img.getWidth() != width || img.getHeight() != height) {
            throw new IOException("the coverage " + file.getFileName() + " is " + img.getWidth() + "x" + img.getHeight()
                    + ", its image " + width + "x" + height);
        }
        int[] rgb = img.getRGB(0, 0, width, height, null, 0, width);
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) out[i] = (rgb[i] & 255) / 255f;
        return out;
    }

    private static int luma(int p) {
        return Math.round(0.299f * ((p >> 16) & 255) + 0.587f * ((p >> 8) & 255) + 0.114f * (p & 255));
    }
}
