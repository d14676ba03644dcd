package dev.forge3d.runtime.image.video;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One pass over every frame of a video, decoded small and grey by FFmpeg: how sharp each frame is and how far the
 * picture moved since the previous one.
 *
 * <ul>
 *   <li>Sharpness: the variance of the Laplacian (the common focus measure; motion blur and defocus lower it).</li>
 *   <li>Motion: the mean absolute change of grey levels divided by the mean gradient magnitude, which for small
 *       motions is the image displacement in pixels (brightness constancy: dI = grad I . d), read on a pyramid so
 *       that larger motions are measured where they are small ({@link #motion}). It ignores what moved where; it
 *       only measures how much, which is what spacing frames needs.</li>
 * </ul>
 *
 * @param sharpness per frame (decoded order)
 * @param motion    per frame, from the previous frame (0 for the first), in analysis pixels
 * @param width     analysis frame width in pixels
 */
public record FrameAnalysis(double[] sharpness, double[] motion, int width, int height) {

    /** Frames at this width (or the video's, when smaller) are enough to measure focus and motion. */
    static final int ANALYSIS_WIDTH = 320;

    public int frames() { return sharpness.length; }

    static FrameAnalysis of(Ffmpeg tools, Path video, VideoProbe probe, long timeoutSeconds, Runnable checkCancelled,
                            IntConsumer framesDone) {
        int w = Math.min(ANALYSIS_WIDTH, probe.width());
        Process p = tools.start(List.of("-v", "error", "-nostdin", "-i", video.toString(), "-map", "0:v:0",
                "-fps_mode", "passthrough", "-vf", "scale=" + w + ":-2:flags=area,format=gray",
                "-f", "image2pipe", "-c:v", "pgm", "pipe:1"));
        DoubleList sharp = new DoubleList(), motion = new DoubleList();
        int fw = 0, fh = 0;
        try (InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
            byte[] prev = null;
            while (true) {
                int[] size = header(in);
                if (size == null) break;
                fw = size[0];
                fh = size[1];
                byte[] frame = in.readNBytes(fw * fh);
                if (frame.length < fw * fh) break;
                sharp.add(laplacianVariance(frame, fw, fh));
                motion.add(prev == null || prev.length != frame.length ? 0 : motion(prev, frame, fw, fh));
                prev = frame;
                framesDone.accept(sharp.size());
                try {
                    checkCancelled.run();
                } catch (RuntimeException e) {
                    p.destroyForcibly();
                    throw e;
                }
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new VideoException("reading the decoded frames failed: " + e.getMessage());
        }
        Ffmpeg.finish(p, "decoding the video", timeoutSeconds);
        if (sharp.size() == 0) throw new VideoException("the video holds no frame that can be decoded");
        return new FrameAnalysis(sharp.toArray(), motion.toArray(), fw, fh);
    }

    /** A binary PGM header ({@code P5 w h maxval} and one whitespace byte), or null at the end of the stream. */
    private static int[] header(InputStream in) throws IOException {
        String magic = token(in);
        if (magic == null) return null;
        if (!magic.equals("P5")) throw new IOException("unexpected frame header " + magic);
        int w = Integer.parseInt(token(in)), h = Integer.parseInt(token(in));
        int max = Integer.parseInt(token(in));
        if (max != 255) throw new IOException("unexpected grey depth " + max);
        return new int[] {w, h};
    }

    /** The next whitespace-delimited token; consumes the single whitespace byte after it. */
    private static String token(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && Character.isWhitespace(c)) { }
        if (c == -1) return null;
        do {
            sb.append((char) c);
        } while ((c = in.read()) != -1 && !Character.isWhitespace(c));
        return sb.toString();
    }

    static double laplacianVariance(byte[] g, int w, int h) {
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1, i = y * w + 1; x < w - 1; x++, i++) {
                int l = (g[i - 1] & 255) + (g[i + 1] & 255) + (g[i - w] & 255) + (g[i + w] & 255) - 4 * (g[i] & 255);
                sum += l;
                sumSq += (double) l * l;
                n++;
            }
        }
        if (n == 0) return 0;
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }

    /** Below this many pixels (at the scale measured) the linear estimate holds; above it, it saturates. */
    static final double LINEAR_LIMIT = 1.5;

    /**
     * The displacement in analysis pixels, measured on a pyramid: the linear estimate only holds for motions of a
     * pixel or two (beyond, the change saturates and the estimate stops growing), so it is read at the finest level
     * where it stays under {@link #LINEAR_LIMIT} and scaled back up (2x per level, down to 1/16 of the width).
     */
    static double motion(byte[] a, byte[] b, int w, int h) {
        double scale = 1;
        double d = displacement(a, b, w, h);
        while (d >= LINEAR_LIMIT && w >= 40 && h >= 40 && scale < 16) {
            a = halve(a, w, h);
            b = halve(b, w, h);
            w /= 2;
            h /= 2;
            scale *= 2;
            d = displacement(a, b, w, h);
        }
        return d * scale;
    }

    private static byte[] halve(byte[] g, int w, int h) {
        int hw = w / 2, hh = h / 2;
        byte[] out = new byte[hw * hh];
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < hw; x++) {
                int i = 2 * y * w + 2 * x;
                out[y * hw + x] = (byte) (((g[i] & 255) + (g[i + 1] & 255) + (g[i + w] & 255) + (g[i + w + 1] & 255) + 2) / 4);
            }
        }
        return out;
    }

    static double displacement(byte[] a, byte[] b, int w, int h) {
        double change = 0, gradient = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1, i = y * w + 1; x < w - 1; x++, i++) {
                change += Math.abs((b[i] & 255) - (a[i] & 255));
                double gx = 0.5 * ((a[i + 1] & 255) - (a[i - 1] & 255) + (b[i + 1] & 255) - (b[i - 1] & 255)) / 2;
                double gy = 0.5 * ((a[i + w] & 255) - (a[i - w] & 255) + (b[i + w] & 255) - (b[i - w] & 255)) / 2;
                gradient += Math.abs(gx) + Math.abs(gy);
            }
        }
        // For an isotropic texture E|g.d| = |d| E|g.u| = |d| (E|gx| + E|gy|) / 2: hence the factor 2.
        return gradient == 0 ? 0 : 2 * change / gradient;
    }

    private static final class DoubleList {
        private double[] v = new double[1024];
        private int n;

        void add(double x) {
            if (n == v.length) v = java.util.Arrays.copyOf(v, 2 * n);
            v[n++] = x;
        }

        int size() { return n; }

        double[] toArray() { return java.util.Arrays.copyOf(v, n); }
    }
}
