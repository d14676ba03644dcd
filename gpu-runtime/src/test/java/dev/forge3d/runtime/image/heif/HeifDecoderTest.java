package dev.forge3d.runtime.image.heif;

import dev.forge3d.runtime.image.ingest.ExifInfo;
import dev.forge3d.runtime.image.ingest.IngestResult;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.PhotoIngest;
import dev.forge3d.runtime.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decodes the committed HEIC fixtures (made by {@code scripts/make-heic-fixtures.py}) with libheif's tools. All show
 * four quadrants when upright: red top-left, green top-right, blue bottom-left, white bottom-right.
 */
class HeifDecoderTest {

    static HeifDecoder decoder;

    @BeforeAll
    static void tools() {
        decoder = HeifDecoder.find(400_000_000L).orElse(null);
    }

    private static void requireTools() {
        assumeTrue(decoder != null, "libheif's heif-info/heif-convert are not installed (apt-get install "
                + "libheif-examples): skipping the HEIC decoding test");
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = HeifDecoderTest.class.getResourceAsStream("/heic/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Red top-left, green top-right, blue bottom-left, white bottom-right, each within the codec's loss. */
    static void assertUprightQuadrants(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        assertColour(img, w / 4, h / 4, 255, 0, 0);
        assertColour(img, 3 * w / 4, h / 4, 0, 255, 0);
        assertColour(img, w / 4, 3 * h / 4, 0, 0, 255);
        assertColour(img, 3 * w / 4, 3 * h / 4, 255, 255, 255);
    }

    private static void assertColour(BufferedImage img, int x, int y, int r, int g, int b) {
        int p = img.getRGB(x, y);
        assertThat(new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255}).as("pixel (%d,%d)", x, y)
                .satisfies(c -> {
                    assertThat(c[0]).isCloseTo(r, within(12));
                    assertThat(c[1]).isCloseTo(g, within(12));
                    assertThat(c[2]).isCloseTo(b, within(12));
                });
    }

    @Test
    void anIPhonePortraitIsTurnedOnceByItsIrotBoxAndKeepsItsFocalLength(@TempDir Path dir) throws Exception {
        requireTools();
        Path heic = write(dir, "IMG_0001.HEIC", fixture("portrait-irot.heic"));
        assertThat(HeifDecoder.isHeif(heic)).isTrue();
        Path png = dir.resolve("IMG_0001.png");

        HeifDecoder.Result r = decoder.toPng(heic, png);

        // Stored 128x96 landscape; irot turns it to 96x128. EXIF also says orientation 6: not applied again.
        assertThat(r.width()).isEqualTo(96);
        assertThat(r.height()).isEqualTo(128);
        assertThat(r.exifKept()).isTrue();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(96);
        assertThat(img.getHeight()).isEqualTo(128);
        assertUprightQuadrants(img);
        ExifInfo exif = ExifInfo.read(png);
        assertThat(exif.orientation()).isEqualTo(1);
        assertThat(exif.focal35mm()).isEqualTo(26);
        assertThat(exif.focalMm()).isCloseTo(5.1, within(1e-9));
        assertThat(exif.cameraModel()).isEqualTo("Apple iPhone 13");
        // The pipeline's reader sees an upright portrait with the 35 mm focal prior.
        IngestResult read = new PhotoIngest(new PhotoIngest.Options(1000, 32, 1)).ingest(dir, ProgressListener.NONE);
        assertThat(read.images()).extracting(IngestedImage::name).containsExactly("IMG_0001.png");
        IngestedImage im = read.images().get(0);
        assertThat(im.width()).isEqualTo(96);
        assertThat(im.height()).isEqualTo(128);
        assertUprightQuadrants(im.small());
        assertThat(im.focalPriorPx().getAsDouble()).isCloseTo(26 / Math.hypot(36, 24) * Math.hypot(96, 128), within(1e-6));
    }

    @Test
    void aTenBitPhotoDecodesToSixteenBitPng(@TempDir Path dir) throws Exception {
        requireTools();
        Path heic = write(dir, "deep.heic", fixture("ten-bit.heic"));
        HeifDecoder.Result r = decoder.toPng(heic, dir.resolve("deep.png"));
        assertThat(r.exifKept()).isFalse();
        BufferedImage img = ImageIO.read(dir.resolve("deep.png").toFile());
        assertThat(img.getColorModel().getComponentSize(0)).isEqualTo(16);
        assertThat(img.getWidth()).isEqualTo(128);
        assertThat(img.getHeight()).isEqualTo(96);
        assertUprightQuadrants(img);
        IngestedImage im = new PhotoIngest(new PhotoIngest.Options(1000, 32, 1)).ingest(dir, ProgressListener.NONE).images().get(0);
        assertUprightQuadrants(im.small());
    }

    @Test
    void ofSeveralImagesThePrimaryOneIsTakenWhereverItIs(@TempDir Path dir) throws Exception {
        requireTools();
        byte[] two = fixture("two-images.heic");
        HeifDecoder.Result first = decoder.toPng(write(dir, "two.heic", two), dir.resolve("two.png"));
        assertThat(first.imagesInFile()).isEqualTo(2);
        BufferedImage img = ImageIO.read(dir.resolve("two.png").toFile());
        assertThat(img.getWidth()).isEqualTo(128);
        assertUprightQuadrants(img);

        // The same file with the second image (64x64, black) made primary: pitm names item 2.
        byte[] second = two.clone();
        int pitm = indexOf(second, "pitm");
        assertThat(second[pitm + 9]).isEqualTo((byte) 1);
        second[pitm + 9] = 2;
        decoder.toPng(write(dir, "second.heic", second), dir.resolve("second.png"));
        BufferedImage black = ImageIO.read(dir.resolve("second.png").toFile());
        assertThat(black.getWidth()).isEqualTo(64);
        assertThat(black.getRGB(32, 32) & 0xFFFFFF).isLessThan(0x101010);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("two.heic", "two.png", "second.heic", "second.png"); // no leftovers
        }
    }

    @Test
    void damagedAndCutFilesFailWithTheDecodersReason(@TempDir Path dir) throws Exception {
        requireTools();
        byte[] good = fixture("portrait-irot.heic");
        byte[] damaged = good.clone();
        Arrays.fill(damaged, indexOf(damaged, "mdat") + 16, damaged.length, (byte) 0x5A);
        assertThatThrownBy(() -> decoder.toPng(write(dir, "damaged.heic", damaged), dir.resolve("damaged.png")))
                .isInstanceOf(HeifException.class).hasMessageMatching("heif-(convert|dec) (crashed|failed).*");
        assertThat(dir.resolve("damaged.png")).doesNotExist();

        byte[] cut = Arrays.copyOf(good, good.length - 200);
        assertThatThrownBy(() -> decoder.toPng(write(dir, "cut.heic", cut), dir.resolve("cut.png")))
                .isInstanceOf(HeifException.class).hasMessageContaining("outside of file bounds");

        Path text = Files.writeString(dir.resolve("notes.heic"), "not a photo at all");
        assertThat(HeifDecoder.isHeif(text)).isFalse();
        assertThatThrownBy(() -> decoder.toPng(text, dir.resolve("notes.png")))
                .isInstanceOf(HeifException.class).hasMessageMatching("heif-(convert|dec) failed: .*");
    }

    @Test
    void photosOverThePixelLimitAreRefused(@TempDir Path dir) throws Exception {
        requireTools();
        HeifDecoder small = HeifDecoder.find(10_000).orElseThrow();
        assertThatThrownBy(() -> small.toPng(write(dir, "a.heic", fixture("portrait-irot.heic")), dir.resolve("a.png")))
                .isInstanceOf(HeifException.class).hasMessage("is 96x128 pixels; the limit is 10000");
        assertThat(dir.resolve("a.png")).doesNotExist();
    }

    @Test
    void theExifOrientationIsResetInBothByteOrders() {
        for (boolean little : new boolean[] {false, true}) {
            // TIFF header, IFD0 with two entries (Make, then Orientation 8), no next IFD
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 + 24 + 4)
                    .order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
            b.put((byte) (little ? 'I' : 'M')).put((byte) (little ? 'I' : 'M')).putShort((short) 42).putInt(8);
            b.putShort((short) 2);
            b.putShort((short) 0x010F).putShort((short) 2).putInt(4).putInt(0);
            b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 8).putShort((short) 0);
            b.putInt(0);
            byte[] tiff = b.array();
            assertThat(ExifOrientation.resetToUpright(tiff)).isTrue();
            assertThat(java.nio.ByteBuffer.wrap(tiff, 30, 2).order(b.order()).getShort()).isEqualTo((short) 1);
        }
        assertThat(ExifOrientation.resetToUpright("MM\0*\0\0\0\u00ff".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
    }

    static int indexOf(byte[] data, String fourCc) {
        byte[] t = fourCc.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + 4 <= data.length; i++) {
            for (int j = 0; j < 4; j++) if (data[i + j] != t[j]) continue outer;
            return i;
        }
        throw new AssertionError(fourCc + " not found");
    }
}
