package dev.forge3d.worker.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Checkpoints in a local folder (local CLI runs, tests). Names may contain '/', never '..'. */
public final class DirectoryCheckpoints implements Checkpoints {

    private final Path dir;

    public DirectoryCheckpoints(Path dir) {
        this.dir = dir;
    }

    @Override
    public boolean fetch(String name, Path target) throws IOException {
        Path src = RelativeNames.resolve(dir, name);
        if (!Files.isRegularFile(src)) return false;
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    @Override
    public void save(String name, Path file) throws IOException {
        Path dst = RelativeNames.resolve(dir, name);
        Files.createDirectories(dst.getParent());
        Path tmp = Files.createTempFile(dst.getParent(), ".ckpt-", ".tmp");
        try {
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
