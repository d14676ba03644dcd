package dev.forge3d.api.support;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Small real images and zips made by the tests themselves. */
public final class TestImages {
    private TestImages() {}

    public static byte[] image(String format, int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(seed * 40 % 255, 120, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(int seed) {
        return image("jpg", 96, 64, seed);
    }

    public static byte[] png(int seed) {
        return image("png", 64, 48, seed);
    }

    /** A committed HEIC/AVIF fixture from {@code src/test/resources/heic} (made by scripts/make-heic-fixtures.py). */
    public static byte[] heif(String name) {
        try (var in = TestImages.class.getResourceAsStream("/heic/" + name)) {
            if (in == null) throw new IllegalStateException("no test resource /heic/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first part of a file: a photo cut off mid-transfer. */
    public static byte[] truncated(byte[] data) {
        return Arrays.copyOf(data, data.length / 2);
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
