package dev.forge3d.api.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Benchmarks print their figures and append them to target/bench/&lt;name&gt;.txt (surefire may hide stdout). */
final class BenchReport {
    private BenchReport() {}

    static void line(String bench, String text) {
        System.out.println("[bench " + bench + "] " + text);
        try {
            Path f = Path.of("target", "bench", bench + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
