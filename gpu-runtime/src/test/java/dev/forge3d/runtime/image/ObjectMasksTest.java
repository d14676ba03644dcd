package dev.forge3d.runtime.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ObjectMasksTest {

    @Test
    void aSixteenBitGreyMaskIsReadAtItsStoredLevels(@TempDir Path dir) throws IOException {
        BufferedImage m = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = m.getRaster();
        int[] levels = {0, 32896, 65535, 16448};
        for (int x = 0; x < 4; x++) r.setSample(x, 0, 0, levels[x]);
        Path file = dir.resolve("m.png");
        ImageIO.write(m, "png", file.toFile());
        float[] c = ObjectMasks.coverage(ObjectMasks.read(file), 4, 1);
        // getRGB would have gamma-converted the grey levels (linear grey colour space); these are the stored ones
        assertThat(c[0]).isEqualTo(0f);
        assertThat(c[1]).isCloseTo(128 / 255f, within(1e-6f));
        assertThat(c[2]).isEqualTo(1f);
        assertThat(c[3]).isCloseTo(64 / 255f, within(1e-6f));
    }

    @Test
    void coverageIsTheAreaEachSmallerPixelCovers() {
        BufferedImage m = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) m.setRGB(x, y, 0xffffff); // columns 0-2 white
        float[] half = ObjectMasks.coverage(m, 2, 1);
        assertThat(half[0]).isCloseTo(1f, within(1e-6f));
        assertThat(half[1]).isCloseTo(0.5f, within(1e-2f));
        assertThat(ObjectMasks.coverage(m, 1, 1)[0]).isCloseTo(0.75f, within(1e-2f));
    }

    @Test
    void compositingKeepsTheObjectAndPaintsTheRestInTheBackground() {
        BufferedImage photo = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        photo.setRGB(0, 0, 0x804020);
        photo.setRGB(1, 0, 0x804020);
        BufferedImage mask = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        mask.setRGB(0, 0, 0xffffff);
        BufferedImage out = ObjectMasks.composite(photo, ObjectMasks.coverage(mask, 2, 1), new float[] {0, 1, 0});
        assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0x804020);
        assertThat(out.getRGB(1, 0) & 0xffffff).isEqualTo(0x00ff00);
        // a mask of another size is resampled to the photo's
        BufferedImage big = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) big.setRGB(x, y, 0xffffff);
        BufferedImage out2 = ObjectMasks.composite(photo, ObjectMasks.coverage(big, 2, 1), new float[] {0, 1, 0});
        assertThat(out2.getRGB(0, 0) & 0xffffff).isEqualTo(0x804020);
        assertThat(out2.getRGB(1, 0) & 0xffffff).isEqualTo(0x00ff00);
        assertThatThrownBy(() -> ObjectMasks.composite(photo, new float[3], new float[] {0, 1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x1");
    }

    @Test
    void dilationGrowsTheMaskByADiscOfTheMargin() {
        int w = 9, h = 9;
        float[] c = new float[w * h];
        c[4 * w + 4] = 1f;
        c[0] = 0.5f;
        float[] d = ObjectMasks.dilate(c, w, h, 2);
        assertThat(d[4 * w + 6]).isEqualTo(1f);   // 2 px right
        assertThat(d[2 * w + 4]).isEqualTo(1f);   // 2 px up
        assertThat(d[3 * w + 3]).isEqualTo(1f);   // diagonal, 1.4 px
        assertThat(d[2 * w + 2]).isEqualTo(0f);   // diagonal, 2.8 px: outside the disc
        assertThat(d[4 * w + 7]).isEqualTo(0f);   // 3 px
        assertThat(d[w + 1]).isEqualTo(0.5f);     // a partial pixel grows at its own coverage
        assertThat(ObjectMasks.dilate(c, w, h, 0)).containsExactly(c);
    }

    @Test
    void aFileThatIsNotAnImageIsRefusedByName(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("v001.png"), "not a png");
        assertThatThrownBy(() -> ObjectMasks.read(file)).isInstanceOf(IOException.class).hasMessageContaining("v001.png");
    }
}
