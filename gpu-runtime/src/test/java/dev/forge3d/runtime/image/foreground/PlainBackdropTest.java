package dev.forge3d.runtime.image.foreground;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Product photos drawn pixel by pixel: a textured object with a hole (a mug's handle) and a soft shadow on a shaded
 * sweep with a dark horizon band at the top and sensor grain; the same object on a black sweep in dark colours; and
 * photos that must get no mask (a textured table, an object cut by the frame, an empty backdrop).
 */
class PlainBackdropTest {

    static final int W = 320, H = 240;

    /** The object: a disc of radius 55 at (160, 125) with a ring (outer 32, inner 18) at (95, 115) as its handle. */
    static boolean object(int x, int y) {
        double d = Math.hypot(x - 160, y - 125);
        double r = Math.hypot(x - 95, y - 115);
        return d <= 55 || (r <= 32 && r >= 18);
    }

    /** Inside the handle's ring: the backdrop shows through, a mask may fill it. */
    static boolean handleHole(int x, int y) {
        return Math.hypot(x - 95, y - 115) < 18;
    }

    static BufferedImage photo(boolean black, int cutBy, boolean textured, boolean empty, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double[] c;
                if (textured) {
                    // a wood-like table: stripes and knots at several scales
                    double v = 120 + 40 * Math.sin(x * 0.21 + 3 * Math.sin(y * 0.05)) + 25 * Math.sin(y * 0.9 + x * 0.03);
                    c = new double[] {v, 0.7 * v, 0.45 * v};
                } else if (black) {
                    double v = 10 + 6.0 * y / H;
                    c = new double[] {v, v, v};
                } else {
                    // a white sweep: shading from top to bottom and across, a darker horizon band near the top
                    double v = 215 + 25.0 * y / H - 10 * Math.pow((x - W / 2.0) / W, 2)
                            - 70 * Math.exp(-Math.pow((y - 14) / 9.0, 2));
                    // a soft contact shadow under the object
                    if (!empty) v -= 40 * Math.exp(-Math.pow((x - 160) / 60.0, 2) - Math.pow((y - 185) / 12.0, 2));
                    c = new double[] {v, v, v * 0.98};
                }
                int ox = x, oy = y + cutBy;
                if (!empty && object(ox, oy)) {
                    double t = 0.5 + 0.5 * Math.sin(ox * 0.4) * Math.cos(oy * 0.3);
                    c = black ? new double[] {35 + 30 * t, 25 + 10 * t, 28 + 20 * t}
                            : new double[] {170 - 60 * t, 80 + 20 * t, 60 + 120 * t};
                }
                int r = clamp(c[0] + 8 * rnd.nextGaussian()), g = clamp(c[1] + 8 * rnd.nextGaussian()),
                        b = clamp(c[2] + 8 * rnd.nextGaussian());
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** Object pixels more than {@code depth} pixels inside its outline that the mask misses. */
    static int missedInside(PlainBackdrop.Result r, int depth) {
        BufferedImage mask = PlainBackdrop.mask(r, W, H);
        int missed = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean inside = true;
                for (int dy = -depth; dy <= depth && inside; dy++) {
                    for (int dx = -depth; dx <= depth; dx++) inside &= object(x + dx, y + dy);
                }
                if (inside && mask.getRaster().getSample(x, y, 0) < 128) missed++;
            }
        }
        return missed;
    }

    static boolean nearObject(int x, int y, int r) {
        for (int dy = -r; dy <= r; dy++) for (int dx = -r; dx <= r; dx++) if (object(x + dx, y + dy)) return true;
        return false;
    }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }

    /**
     * [missed share of the object, share of the backdrop called object], the backdrop without the shadow, the handle's
     * hole and a 3-pixel rim around the object (the grain's smoothing moves a high-contrast edge out by a pixel or two).
     */
    static double[] score(PlainBackdrop.Result r) {
        BufferedImage mask = PlainBackdrop.mask(r, W, H);
        int obj = 0, missed = 0, bg = 0, extra = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean m = (mask.getRaster().getSample(x, y, 0)) >= 128;
                if (object(x, y)) {
                    obj++;
                    if (!m) missed++;
                } else if (!handleHole(x, y) && Math.abs(y - 185) > 30 && !nearObject(x, y, 3)) {
                    bg++;
                    if (m) extra++;
                }
            }
        }
        return new double[] {(double) missed / obj, (double) extra / bg};
    }

    @Test
    void anObjectOnAWhiteSweepIsFoundWholeWithoutTheHorizonBand() {
        PlainBackdrop.Result r = PlainBackdrop.segment(photo(false, 0, false, false, 1), PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).as(r.reason()).isTrue();
        double[] s = score(r);
        assertThat(s[0]).as("share of the object missed").isLessThan(0.002);
        assertThat(s[1]).as("share of the backdrop called object (the horizon band included)").isLessThan(0.01);
        assertThat(r.objectShare()).isBetween(0.12, 0.25);
    }

    @Test
    void aDarkObjectOnABlackSweepIsFoundWhole() {
        PlainBackdrop.Result r = PlainBackdrop.segment(photo(true, 0, false, false, 2), PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).as(r.reason()).isTrue();
        double[] s = score(r);
        // at 20-50 levels above the sweep under grain of 8, the outermost pixel of the rim may go: never the inside
        assertThat(s[0]).isLessThan(0.015);
        assertThat(missedInside(r, 2)).isZero();
        assertThat(s[1]).isLessThan(0.01);
    }

    @Test
    void aTexturedTableIsNotAPlainBackdrop() {
        PlainBackdrop.Result r = PlainBackdrop.segment(photo(false, 0, true, false, 3), PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).isFalse();
        assertThat(r.reason()).contains("not a plain backdrop");
        assertThat(r.object()).isNull();
        assertThatThrownBy(() -> PlainBackdrop.mask(r, W, H)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anObjectCutByTheFrameGetsNoMask() {
        // moved down by 60 px: its disc runs out of the bottom edge
        PlainBackdrop.Result r = PlainBackdrop.segment(photo(false, -60, false, false, 4), PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).isFalse();
        assertThat(r.reason()).containsAnyOf("edge of the photo", "border departs");
    }

    @Test
    void aBackdropWithNothingOnItGetsNoMask() {
        PlainBackdrop.Result r = PlainBackdrop.segment(photo(false, 0, false, true, 5), PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).isFalse();
        // nothing stands out but the horizon band, which runs out of the frame: backdrop, never an object
        assertThat(r.reason()).containsAnyOf("no object", "edge of the photo");
    }

    @Test
    void aLargePhotoIsSegmentedAtTheWorkingSizeAndMaskedAtItsOwn() {
        BufferedImage small = photo(false, 0, false, false, 6);
        BufferedImage big = new BufferedImage(4 * W, 4 * H, BufferedImage.TYPE_INT_RGB);
        var g = big.createGraphics();
        g.drawImage(small, 0, 0, 4 * W, 4 * H, null);
        g.dispose();
        PlainBackdrop.Result r = PlainBackdrop.segment(big, PlainBackdrop.Options.DEFAULT);
        assertThat(r.plain()).as(r.reason()).isTrue();
        assertThat(Math.max(r.width(), r.height())).isEqualTo(PlainBackdrop.Options.DEFAULT.workSide());
        BufferedImage mask = PlainBackdrop.mask(r, big.getWidth(), big.getHeight());
        assertThat(mask.getWidth()).isEqualTo(4 * W);
        // the disc's centre is object, the corner backdrop
        assertThat(mask.getRaster().getSample(4 * 160, 4 * 125, 0)).isEqualTo(255);
        assertThat(mask.getRaster().getSample(10, 4 * H - 10, 0)).isZero();
    }
}
