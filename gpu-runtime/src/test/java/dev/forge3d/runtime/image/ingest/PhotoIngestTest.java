package dev.forge3d.runtime.image.ingest;

import dev.forge3d.runtime.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PhotoIngestTest {

    /** A 300x200 JPEG, left half red and right half blue, with an EXIF orientation and a 35 mm focal length. */
    static byte[] jpegWithExif(int orientation, int focal35) throws IOException {
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) for (int x = 0; x < 300; x++) img.setRGB(x, y, x < 150 ? 0xFF0000 : 0x0000FF);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", jpeg);
        byte[] plain = jpeg.toByteArray();
        // TIFF (big-endian): IFD0 = {Orientation, ExifIFD pointer}, Exif IFD = {FocalLengthIn35mmFilm}.
        ByteBuffer tiff = ByteBuffer.allocate(8 + 30 + 18);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(38);
        tiff.putInt(0);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0xA405).putShort((short) 3).putInt(1).putShort((short) focal35).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = tiff.array();
        int len = 2 + 6 + exif.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2); // SOI
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
        out.write(exif);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    private static PhotoIngest ingest() {
        return new PhotoIngest(new PhotoIngest.Options(1600, 150, 2));
    }

    @Test
    void appliesExifOrientationAndReadsTheFocalLengthPrior(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("rotated.jpg"), jpegWithExif(6, 50));
        IngestResult r = ingest().ingest(dir, ProgressListener.NONE);

        assertThat(r.rejected()).isEmpty();
        IngestedImage im = r.images().get(0);
        // Orientation 6: the camera was turned 90 degrees clockwise, so the stored left edge is the top.
        assertThat(im.exif().orientation()).isEqualTo(6);
        assertThat(im.width()).isEqualTo(200);
        assertThat(im.height()).isEqualTo(300);
        int top = im.small().getRGB(100, 20), bottom = im.small().getRGB(100, 280);
        assertThat((top >> 16) & 255).isGreaterThan(200);
        assertThat(top & 255).isLessThan(60);
        assertThat(bottom & 255).isGreaterThan(200);
        assertThat((bottom >> 16) & 255).isLessThan(60);
        // 50 mm on a 36x24 mm frame maps the 43.27 mm diagonal to the image diagonal.
        assertThat(im.focalPriorPx()).isPresent();
        assertThat(im.focalPriorPx().getAsDouble()).isCloseTo(50 / Math.hypot(36, 24) * Math.hypot(200, 300), within(1e-6));
        // The full-resolution reload is upright too.
        assertThat(im.loadFullResolution().getWidth()).isEqualTo(200);
    }

    @Test
    void everyOrientationTagMapsPixelsLikeTheExifSpecification() {
        // A 3x2 image whose pixel values are their index; expected top-left value after each orientation.
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) src.setRGB(x, y, y * 3 + x);
        int[] expectedTopLeft = {0, 0, 2, 5, 3, 0, 3, 5, 2};
        for (int o = 1; o <= 8; o++) {
            BufferedImage up = ImageOrientation.apply(src, o);
            assertThat(up.getWidth()).as("width, orientation " + o).isEqualTo(o >= 5 ? 2 : 3);
            assertThat(up.getRGB(0, 0) & 0xFFFFFF).as("top-left, orientation " + o).isEqualTo(expectedTopLeft[o]);
        }
    }

    @Test
    void reportsUnreadableTinyAndUnsupportedFilesWithReasons(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("good.jpg"), jpegWithExif(1, 35));
        Files.writeString(dir.resolve("corrupt.jpg"), "this is not a JPEG");
        ImageIO.write(new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("tiny.png").toFile());
        Files.write(dir.resolve("phone.heic"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("K.txt"), "1 0 0\n0 1 0\n0 0 1\n");

        IngestResult r = ingest().ingest(dir, ProgressListener.NONE);

        assertThat(r.images()).extracting(IngestedImage::name).containsExactly("good.jpg");
        assertThat(r.rejected()).extracting(RejectedImage::name).containsExactly("corrupt.jpg", "phone.heic", "tiny.png");
        assertThat(r.rejected().get(0).reason()).startsWith("cannot decode");
        assertThat(r.rejected().get(1).reason()).contains("unsupported image format .heic");
        assertThat(r.rejected().get(2).reason()).contains("too small: 100x80");
    }

    @Test
    void downscalesByAreaAveragingToTheMaximumSide(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(1000, 600, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 600; y++) for (int x = 0; x < 1000; x++) img.setRGB(x, y, ((x + y) % 2 == 0) ? 0xFFFFFF : 0);
        ImageIO.write(img, "png", dir.resolve("checker.png").toFile());
        IngestedImage im = new PhotoIngest(new PhotoIngest.Options(400, 100, 1)).ingest(dir, ProgressListener.NONE).images().get(0);

        assertThat(im.small().getWidth()).isEqualTo(400);
        assertThat(im.small().getHeight()).isEqualTo(240);
        assertThat(im.scaleX()).isEqualTo(2.5);
        assertThat(im.scaleY()).isEqualTo(2.5);
        // A one-pixel checkerboard averages to mid grey instead of aliasing.
        int g = im.small().getRGB(200, 120) & 255;
        assertThat(g).isBetween(100, 155);
    }
}
