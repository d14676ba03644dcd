package dev.forge3d.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds {@code shared/datasets/NAME} by walking up from the working directory (the repo's {@code ../shared/datasets}). */
public final class SharedData {

    private SharedData() { }

    public static Optional<Path> dataset(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
