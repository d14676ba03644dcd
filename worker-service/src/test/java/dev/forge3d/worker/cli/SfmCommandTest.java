package dev.forge3d.worker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sfm commands fail on bad input with one readable line and exit code 1. */
class SfmCommandTest {

    private static String[] run(String... args) {
        CommandLine cl = Forge3dCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void missingImageFolderIsOneReadableLine(@TempDir Path tmp) {
        String[] r = run("sfm", "--images", tmp.resolve("nope").toString(), "--out", tmp.resolve("out").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1].strip()).startsWith("forge3d sfm: --images: not a folder:").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void badIntrinsicsFileIsReported(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path k = Files.writeString(tmp.resolve("K.txt"), "1 0 0\n0 1 0\n");
        String[] r = run("sfm", "--images", images.toString(), "--intrinsics", k.toString(), "--out", tmp.resolve("out").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1].strip()).isEqualTo("forge3d sfm: K.txt: a 3x3 matrix needs 9 numbers, found 6");
    }

    @Test
    void tooFewPhotosNamesTheProblem(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("a.jpg"), "broken");
        String[] r = run("sfm", "--images", images.toString(), "--out", tmp.resolve("out").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1].strip()).isEqualTo("forge3d sfm: need at least 3 readable photos, found 0; set aside: a.jpg (cannot decode: not a JPEG or PNG image)");
    }

    @Test
    void evalWithoutAModelSaysSo(@TempDir Path tmp) {
        String[] r = run("sfm-eval", "--model", tmp.toString(), "--gt", tmp.toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1].strip()).startsWith("forge3d sfm-eval: no COLMAP text model (images.txt) in");
    }
}
