package dev.forge3d.runtime.sds.judge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the Python self-tests of the blind-evaluation tools, which live outside the Java code on purpose (they share
 * nothing with the generator or the prior): the seeded suite drawer and its word list ({@code scripts/t23d-suite}),
 * and the geometric shape/colour judge on primitives it builds itself ({@code scripts/eval}). Skips where there is no
 * python3 with numpy.
 */
class IndependentJudgeScriptsTest {

    @Test
    void suiteDrawerAndWordListSelfTestsPass() throws Exception {
        runUnittests("scripts/t23d-suite");
    }

    @Test
    void geometricJudgeSelfTestsPass() throws Exception {
        runUnittests("scripts/eval");
    }

    private static void runUnittests(String rel) throws Exception {
        String python = python();
        Path dir = find(rel);
        Process p = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", dir.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("OK");
    }

    private static String python() throws InterruptedException {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        try {
            Process v = new ProcessBuilder(python, "-c", "import numpy").redirectErrorStream(true).start();
            v.getInputStream().readAllBytes();
            assumeTrue(v.waitFor() == 0, "no python3 with numpy here: skipping the judge's self-tests");
        } catch (IOException e) {
            assumeTrue(false, "no python3 here: skipping the judge's self-tests");
        }
        return python;
    }

    private static Path find(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(rel))) return p.resolve(rel);
        }
        throw new IllegalStateException(rel + " not found above " + Path.of("").toAbsolutePath());
    }
}
