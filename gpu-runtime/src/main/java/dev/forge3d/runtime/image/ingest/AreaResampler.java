package dev.forge3d.runtime.image.ingest;

import java.awt.image.BufferedImage;

/**
 * Downscales an RGB image by exact area averaging (a box filter with fractional pixel weights), which does not
 * alias the way bilinear sampling does at factors above 2. Output pixel {@code i} covers source pixels
 * {@code [i*s, (i+1)*s)}, so a position {@code x} in the small image (pixel centres at +0.5) is {@code x*s} in the
 * source.
 */
public final class AreaResampler {

    private AreaResampler() { }

    public static BufferedImage downscale(BufferedImage src, int dw, int dh) {
        int w = src.getWidth(), h = src.getHeight();
        if (dw == w && dh == h) return toIntRgb(src);
        Taps tx = new Taps(w, dw), ty = new Taps(h, dh);
        // Horizontal pass row by row (contiguous reads), three channels interleaved.
        float[] rows = new float[3 * dw * h];
        int[] line = new int[w];
        byte[] bgr = src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && src.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferByte db
                && src.getRaster().getNumDataElements() == 3 && db.getData().length == 3 * w * h ? db.getData() : null;
        for (int y = 0; y < h; y++) {
            if (bgr != null) {
                // Decoded JPEGs are packed BGR bytes: read them directly instead of per-pixel colour-model calls.
                for (int x = 0, o = 3 * w * y; x < w; x++, o += 3) {
                    line[x] = ((bgr[o + 2] & 255) << 16) | ((bgr[o + 1] & 255) << 8) | (bgr[o] & 255);
                }
            } else {
                src.getRGB(0, y, w, 1, line, 0, w);
            }
            int o = 3 * dw * y;
            for (int x = 0; x < dw; x++) {
                float r = 0, g = 0, b = 0;
                for (int k = tx.start[x], q = tx.offset[x]; q < tx.offset[x + 1]; k++, q++) {
                    int p = line[k];
                    float wt = tx.weight[q];
                    r += wt * ((p >> 16) & 255);
                    g += wt * ((p >> 8) & 255);
                    b += wt * (p & 255);
                }
                rows[o + 3 * x] = r;
                rows[o + 3 * x + 1] = g;
                rows[o + 3 * x + 2] = b;
            }
        }
        // Vertical pass: each output row accumulates whole source rows.
        int[] out = new int[dw * dh];
        float[] acc = new float[3 * dw];
        for (int y = 0; y < dh; y++) {
            java.util.Arrays.fill(acc, 0);
            for (int k = ty.start[y], q = ty.offset[y]; q < ty.offset[y + 1]; k++, q++) {
                float wt = ty.weight[q];
                int o = 3 * dw * k;
                for (int i = 0; i < acc.length; i++) acc[i] += wt * rows[o + i];
            }
            for (int x = 0; x < dw; x++) {
                out[y * dw + x] = (clamp(acc[3 * x]) << 16) | (clamp(acc[3 * x + 1]) << 8) | clamp(acc[3 * x + 2]);
            }
        }
        BufferedImage dst = new BufferedImage(dw, dh, BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, dw, dh, out, 0, dw);
        return dst;
    }

    /**
     * Like {@link #downscale}, but an image with an alpha channel keeps it: colours are averaged premultiplied by
     * alpha (a transparent pixel's colour does not bleed into its neighbours), then divided by the averaged alpha.
     */
    public static BufferedImage downscaleKeepingAlpha(BufferedImage src, int dw, int dh) {
        if (!src.getColorModel().hasAlpha()) return downscale(src, dw, dh);
        int w = src.getWidth(), h = src.getHeight();
        int[] argb = src.getRGB(0, 0, w, h, null, 0, w);
        int[] premultiplied = new int[argb.length], alpha = new int[argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i], a = p >>> 24;
            premultiplied[i] = (((p >> 16) & 255) * a / 255 << 16) | (((p >> 8) & 255) * a / 255 << 8) | ((p & 255) * a / 255);
            alpha[i] = a << 16 | a << 8 | a;
        }
        BufferedImage colour = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), cover = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, w, h, premultiplied, 0, w);
        cover.setRGB(0, 0, w, h, alpha, 0, w);
        int[] c = downscale(colour, dw, dh).getRGB(0, 0, dw, dh, null, 0, dw);
        int[] a = downscale(cover, dw, dh).getRGB(0, 0, dw, dh, null, 0, dw);
        int[] out = new int[dw * dh];
        for (int i = 0; i < out.length; i++) {
            int al = a[i] & 255;
            if (al == 0) continue;
            int r = Math.min(255, ((c[i] >> 16) & 255) * 255 / al), g = Math.min(255, ((c[i] >> 8) & 255) * 255 / al),
                    b = Math.min(255, (c[i] & 255) * 255 / al);
            out[i] = al << 24 | r << 16 | g << 8 | b;
        }
        BufferedImage dst = new BufferedImage(dw, dh, BufferedImage.TYPE_INT_ARGB);
        dst.setRGB(0, 0, dw, dh, out, 0, dw);
        return dst;
    }

    /** For each output pixel, the first source pixel and the weights of the source pixels it covers. */
    private static final class Taps {
        final int[] start, offset;
        final float[] weight;

        Taps(int n, int dn) {
            start = new int[dn];
            offset = new int[dn + 1];
            double s = (double) n / dn;
            float[] wts = new float[dn * ((int) Math.ceil(s) + 2)];
            int q = 0;
            for (int x = 0; x < dn; x++) {
                double a = x * s, b = (x + 1) * s;
                int i0 = (int) Math.floor(a), i1 = Math.min(n - 1, (int) Math.ceil(b) - 1);
                start[x] = i0;
                offset[x] = q;
                for (int i = i0; i <= i1; i++) wts[q++] = (float) (Math.max(0, Math.min(b, i + 1) - Math.max(a, i)) / s);
            }
            offset[dn] = q;
            weight = java.util.Arrays.copyOf(wts, q);
        }
    }

    private static int clamp(float v) { return Math.max(0, Math.min(255, Math.round(v))); }

    static BufferedImage toIntRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) return src;
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        dst.getGraphics().drawImage(src, 0, 0, null);
        return dst;
    }
}
