package dev.forge3d.runtime.image.ingest;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * One photo that decoded: its upright full-resolution size, the EXIF facts, and a downscaled upright copy for
 * feature extraction ({@code small}; {@code scaleX}, {@code scaleY} = full-resolution pixels per small pixel along each axis).
 *
 * @param focalPriorPx focal length in full-resolution pixels from EXIF, or empty when EXIF does not say
 */
public record IngestedImage(String name, Path path, int width, int height, ExifInfo exif, OptionalDouble focalPriorPx,
                            BufferedImage small, double scaleX, double scaleY) {

    /** Grey levels (0..255) of {@link #small}, row-major. */
    public float[] smallGray() {
        int w = small.getWidth(), h = small.getHeight();
        int[] rgb = small.getRGB(0, 0, w, h, null, 0, w);
        float[] g = new float[w * h];
        for (int i = 0; i < g.length; i++) {
            int p = rgb[i];
            g[i] = 0.299f * ((p >> 16) & 255) + 0.587f * ((p >> 8) & 255) + 0.114f * (p & 255);
        }
        return g;
    }

    /** Decodes the file again at full resolution, upright. */
    public BufferedImage loadFullResolution() {
        return PhotoIngest.decodeUpright(path, exif.orientation());
    }
}
