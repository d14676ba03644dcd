package dev.forge3d.runtime.image.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhotoDecoderTest {
    @TempDir
    Path tmp;

    private static Path variant(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(PhotoDecoderTest.class.getResource("/photos-variants/" + name)).toURI());
    }

    /** CMYK (Adobe marker), progressive JPEG and 16-bit PNG of one picture all decode, to about the same colours. */
    @Test
    void encodingsProductPhotographersProduce() throws Exception {
        BufferedImage reference = PhotoDecoder.decode(variant("progressive.jpg"), 0).image();
        for (String name : new String[] {"cmyk.jpg", "png16.png"}) {
            var d = PhotoDecoder.decode(variant(name), 0);
            assertThat(d.fullWidth()).isEqualTo(160);
            assertThat(d.fullHeight()).isEqualTo(120);
            BufferedImage rgb = AreaResampler.downscale(d.image(), 160, 120);
            assertThat(meanAbsoluteDifference(rgb, AreaResampler.downscale(reference, 160, 120)))
                    .as(name + " against the progressive JPEG of the same picture").isLessThan(12);
        }
    }

    @Test
    void largePhotosAreSubsampledWhileDecoding() throws IOException {
        BufferedImage big = new BufferedImage(2400, 1600, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 1600; y++) for (int x = 0; x < 2400; x++) big.setRGB(x, y, (x / 40 % 2 == 0) ? 0xff2040 : 0x20ff40);
        Path f = tmp.resolve("big.jpg");
        ImageIO.write(big, "jpg", f.toFile());
        var d = PhotoDecoder.decode(f, 400);
        assertThat(d.fullWidth()).isEqualTo(2400);
        assertThat(d.fullHeight()).isEqualTo(1600);
        assertThat(d.image().getWidth()).as("step 3: at least twice the wanted 400 px").isEqualTo(800);
        assertThat(PhotoDecoder.decode(f, 0).image().getWidth()).isEqualTo(2400);
        assertThat(PhotoDecoder.decode(f, 1000).image().getWidth()).as("under 4x: full size").isEqualTo(2400);

        var ingest = new PhotoIngest(new PhotoIngest.Options(400, 32, 1)).ingest(tmp, p -> { });
        var im = ingest.images().getFirst();
        assertThat(im.width()).as("the camera keeps the photo's full size").isEqualTo(2400);
        assertThat(im.small().getWidth()).isEqualTo(400);
    }

    @Test
    void notAnImageIsAReadableError() throws IOException {
        Path f = tmp.resolve("x.jpg");
        Files.writeString(f, "not an image");
        assertThatThrownBy(() -> PhotoDecoder.decode(f, 400)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a JPEG or PNG");
    }

    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int c = 0; c < 24; c += 8) sum += Math.abs(((p >> c) & 255) - ((q >> c) & 255));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
