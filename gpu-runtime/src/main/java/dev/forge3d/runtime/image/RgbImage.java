package dev.forge3d.runtime.image;

/**
 * A float RGB image in planar layout: channel {@code c} of pixel (x, y) lives at {@code data[c * w * h + y * w + x]}.
 * Values are linear in [0, 1] (sRGB-encoded as stored in the PNG; no gamma conversion, like the 3DGS field).
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final float[] data;

    public RgbImage(int width, int height) {
        this(width, height, new float[3 * width * height]);
    }

    public RgbImage(int width, int height, float[] data) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (data.length != 3 * width * height) throw new IllegalArgumentException("planar RGB needs " + 3 * width * height + " floats, got " + data.length);
        this.width = width;
        this.height = height;
        this.data = data;
    }

    public int width() { return width; }

    public int height() { return height; }

    public int pixels() { return width * height; }

    /** The backing planar array (not a copy). */
    public float[] data() { return data; }

    public float get(int channel, int x, int y) { return data[channel * width * height + y * width + x]; }

    public void set(int channel, int x, int y, float v) { data[channel * width * height + y * width + x] = v; }

    public RgbImage copy() { return new RgbImage(width, height, data.clone()); }

    /** A copy with every value clamped to [0, 1]. */
    public RgbImage clamped() {
        float[] d = data.clone();
        for (int i = 0; i < d.length; i++) d[i] = Math.min(1f, Math.max(0f, d[i]));
        return new RgbImage(width, height, d);
    }

    /** Two images side by side (this on the left), e.g. a render beside its ground truth. */
    public RgbImage besides(RgbImage right) {
        if (right.height != height) throw new IllegalArgumentException("heights differ");
        RgbImage out = new RgbImage(width + right.width, height);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) out.set(c, x, y, get(c, x, y));
                for (int x = 0; x < right.width; x++) out.set(c, width + x, y, right.get(c, x, y));
            }
        }
        return out;
    }
}
