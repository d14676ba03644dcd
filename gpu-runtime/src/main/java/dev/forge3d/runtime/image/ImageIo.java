package dev.forge3d.runtime.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PNG/JPEG decoding to {@link RgbImage} (compositing alpha over a background colour) and PNG encoding. */
public final class ImageIo {

    private ImageIo() { }

    /**
     * Reads an image; a transparent image is composited over {@code background} (RGB in [0, 1]):
     * {@code rgb * a + background * (1 - a)}, the NeRF-synthetic protocol.
     */
    public static RgbImage read(Path file, float[] background) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IllegalArgumentException("not a readable image: " + file);
        return fromBufferedImage(img, background);
    }

    public static RgbImage fromBufferedImage(BufferedImage img, float[] background) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        boolean hasAlpha = img.getColorModel().hasAlpha();
        RgbImage out = new RgbImage(w, h);
        float[] d = out.data();
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            float a = hasAlpha ? ((p >>> 24) & 0xff) / 255f : 1f;
            float r = ((p >>> 16) & 0xff) / 255f, g = ((p >>> 8) & 0xff) / 255f, b = (p & 0xff) / 255f;
            d[i] = r * a + background[0] * (1 - a);
            d[plane + i] = g * a + background[1] * (1 - a);
            d[2 * plane + i] = b * a + background[2] * (1 - a);
        }
        return out;
    }

    /** Writes an 8-bit RGB PNG (values clamped to [0, 1], rounded to nearest). */
    public static void writePng(RgbImage image, Path file) {
        int w = image.width(), h = image.height(), plane = w * h;
        float[] d = image.data();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (to8(d[i]) << 16) | (to8(d[plane + i]) << 8) | to8(d[2 * plane + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static int to8(float v) {
        return (int) (Math.min(1f, Math.max(0f, v)) * 255f + 0.5f);
    }
}
