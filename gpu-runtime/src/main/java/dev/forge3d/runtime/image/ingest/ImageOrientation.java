package dev.forge3d.runtime.image.ingest;

import java.awt.image.BufferedImage;

/** Applies an EXIF orientation tag (1..8) so that the pixels stand the way the photographer held the camera. */
public final class ImageOrientation {

    private ImageOrientation() { }

    /** The upright image; orientation 1 (or an unknown tag) returns the input. */
    public static BufferedImage apply(BufferedImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) return src;
        int w = src.getWidth(), h = src.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        int type = src.getType() == BufferedImage.TYPE_CUSTOM ? BufferedImage.TYPE_INT_RGB : src.getType();
        BufferedImage dst = new BufferedImage(ow, oh, type);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int dx, dy;
                switch (orientation) {
                    case 2 -> { dx = w - 1 - x; dy = y; }              // mirror horizontal
                    case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }      // rotate 180
                    case 4 -> { dx = x; dy = h - 1 - y; }              // mirror vertical
                    case 5 -> { dx = y; dy = x; }                      // transpose
                    case 6 -> { dx = h - 1 - y; dy = x; }              // rotate 90 clockwise
                    case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }      // transverse
                    default -> { dx = y; dy = w - 1 - x; }             // 8: rotate 90 counter-clockwise
                }
                dst.setRGB(dx, dy, row[x]);
            }
        }
        return dst;
    }
}
