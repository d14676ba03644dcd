package dev.forge3d.worker.cli;

import dev.forge3d.runtime.image.heif.HeifDecoder;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.pipeline.StageFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code forge3d sfm --images DIR} takes HEIC photos as jobs do: decoded by libheif's tools into a staging folder
 * inside the output folder, the user's folder untouched. The fixture (from {@code scripts/make-heic-fixtures.py})
 * is a 96x128 portrait stored as 128x96 landscape with an irot box.
 */
class PhotoFolderTest {

    private static byte[] portraitHeic() throws Exception {
        try (InputStream in = PhotoFolderTest.class.getResourceAsStream("/heic/portrait-irot.heic")) {
            assertThat(in).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String[] files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void sfmDecodesHeicPhotosUprightAndReadsThemWithTheOthers(@TempDir Path tmp) throws Exception {
        assumeTrue(HeifDecoder.find(1).isPresent(), "libheif's heif-info/heif-convert are not installed (apt-get install "
                + "libheif-examples): skipping the HEIC decoding test");
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.write(images.resolve("a.HEIC"), portraitHeic());
        Files.write(images.resolve("b.jpg"), portraitHeic()); // a phone's HEIC named .jpg: found by content
        ImageIO.write(new BufferedImage(96, 128, BufferedImage.TYPE_INT_RGB), "png", images.resolve("c.png").toFile());
        Path out = tmp.resolve("out");

        CommandLine cl = Forge3dCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("sfm", "--images", images.toString(), "--out", out.toString(), "--threads", "2");

        // The fixture is too small for SfM (200 px at least): the reason names each photo at its decoded, upright
        // size, 96x128 (stored 128x96 and turned by irot), where it used to say "unsupported image format .heic".
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("forge3d sfm: need at least 3 readable photos, found 0; set aside: ")
                .contains("a.png (too small: 96x128", "b.png (too small: 96x128", "c.png (too small: 96x128")
                .doesNotContain("unsupported", "cannot decode");
        assertThat(files(images)).containsExactly("a.HEIC", "b.jpg", "c.png");
        assertThat(files(out)).as("the staging folder is removed, also when SfM fails").isEmpty();
    }

    @Test
    void withoutLibheifTheHeicPhotosAreRefusedSayingWhatToInstall(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.write(images.resolve("IMG_0001.HEIC"), portraitHeic());
        Files.writeString(images.resolve("notes.txt"), "not a photo");
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> PhotoFolder.open(images, out, 2, ProgressListener.NONE, Optional::empty))
                .isInstanceOf(StageFailedException.class)
                .hasMessageContaining("1 of the photos are HEIC/HEIF (IMG_0001.HEIC)")
                .hasMessageContaining("apt-get install libheif-examples");
        assertThat(files(out)).isEmpty();
        assertThat(files(images)).containsExactly("IMG_0001.HEIC", "notes.txt");
    }

    @Test
    void aFolderWithoutHeicIsReadWhereItIs(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("a.jpg"), "whatever");
        Path out = tmp.resolve("out");
        try (PhotoFolder f = PhotoFolder.open(images, out, 2, ProgressListener.NONE,
                () -> { throw new AssertionError("libheif looked up without a HEIC photo"); })) {
            assertThat(f.dir()).isEqualTo(images);
            assertThat(f.heicPhotos()).isZero();
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void heicPhotosAreDecodedBesideLinksToTheOthersWithoutTakingTheirNames(@TempDir Path tmp) throws Exception {
        assumeTrue(HeifDecoder.find(1).isPresent(), "libheif's tools are not installed: skipping");
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.write(images.resolve("IMG_1.HEIC"), portraitHeic());
        Files.writeString(images.resolve("IMG_1.png"), "another photo of the same name");
        Path out = tmp.resolve("out");
        Path staged;
        try (PhotoFolder f = PhotoFolder.open(images, out, 2, ProgressListener.NONE)) {
            staged = f.dir();
            assertThat(f.heicPhotos()).isEqualTo(1);
            assertThat(staged.getParent()).isEqualTo(out);
            assertThat(files(staged)).containsExactly("IMG_1-heic.png", "IMG_1.png");
            assertThat(Files.isSymbolicLink(staged.resolve("IMG_1.png"))).isTrue();
            BufferedImage decoded = ImageIO.read(staged.resolve("IMG_1-heic.png").toFile());
            assertThat(new int[] {decoded.getWidth(), decoded.getHeight()}).containsExactly(96, 128);
            int topLeft = decoded.getRGB(24, 32); // red, upright
            assertThat((topLeft >> 16) & 255).isGreaterThan(200);
            assertThat(topLeft & 255).isLessThan(60);
        }
        assertThat(staged).doesNotExist();
        assertThat(Files.readString(images.resolve("IMG_1.png"))).isEqualTo("another photo of the same name");
    }
}
