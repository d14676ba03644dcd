package dev.forge3d.worker.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folders of one attempt of a job: {@code inputs/} (downloaded inputs), {@code outputs/} (artifacts to
 * upload) and {@code work/} (scratch).
 */
public record JobDirectories(Path root, Path inputs, Path outputs, Path work) {

    /** Creates {@code root/inputs}, {@code root/outputs} and {@code root/work}. */
    public static JobDirectories create(Path root) {
        JobDirectories d = new JobDirectories(root, root.resolve("inputs"), root.resolve("outputs"), root.resolve("work"));
        try {
            Files.createDirectories(d.inputs);
            Files.createDirectories(d.outputs);
            Files.createDirectories(d.work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create job folders under " + root, e);
        }
        return d;
    }
}
