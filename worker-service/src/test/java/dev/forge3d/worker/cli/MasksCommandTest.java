package dev.forge3d.worker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code forge3d masks}: a mask for a photo on a plain backdrop, none (with the reason) for one on a table. */
class MasksCommandTest {

    private static String[] run(String... args) {
        CommandLine cl = Forge3dCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void aPhotoOnASweepGetsAMaskAndOneOnATableDoesNot(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        BufferedImage sweep = new BufferedImage(240, 180, BufferedImage.TYPE_INT_RGB);
        BufferedImage table = new BufferedImage(240, 180, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 180; y++) {
            for (int x = 0; x < 240; x++) {
                int v = 215 + 25 * y / 180;
                sweep.setRGB(x, y, (v << 16) | (v << 8) | v);
                int w = (int) (120 + 60 * Math.sin(x * 0.3 + 2 * Math.sin(y * 0.1)));
                table.setRGB(x, y, (w << 16) | ((w * 2 / 3) << 8) | (w / 3));
            }
        }
        for (BufferedImage img : new BufferedImage[] {sweep, table}) {
            var g = img.createGraphics();
            g.setColor(new Color(40, 90, 200));
            g.fillOval(80, 50, 80, 80);
            g.dispose();
        }
        ImageIO.write(sweep, "png", images.resolve("sweep.png").toFile());
        ImageIO.write(table, "png", images.resolve("table.png").toFile());

        String[] r = run("masks", "--images", images.toString(), "--out", tmp.resolve("masks").toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("1 of 2 photos on a plain backdrop").contains("table.png: no mask: the border is not a plain backdrop");
        BufferedImage mask = ImageIO.read(tmp.resolve("masks/sweep.png").toFile());
        assertThat(mask.getWidth()).isEqualTo(240);
        assertThat(mask.getRaster().getSample(120, 90, 0)).isEqualTo(255); // the disc's centre
        assertThat(mask.getRaster().getSample(10, 170, 0)).isZero(); // the sweep
        assertThat(tmp.resolve("masks/table.png")).doesNotExist();
    }

    @Test
    void aMissingFolderIsOneReadableLine(@TempDir Path tmp) {
        String[] r = run("masks", "--images", tmp.resolve("nope").toString(), "--out", tmp.resolve("out").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2].strip()).startsWith("forge3d masks: --images: not a folder:").doesNotContain("\n").doesNotContain("Exception");
    }
}
