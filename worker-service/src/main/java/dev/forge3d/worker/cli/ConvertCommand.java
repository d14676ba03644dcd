package dev.forge3d.worker.cli;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.SplatFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code forge3d convert}: rewrites a splat in another format, chosen by the file extensions. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Gaussian splat between formats by extension: .ply or .spz in; .ply, .spz or .splat out.")
public final class ConvertCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "Input splat (.ply Inria layout or .spz).")
    Path in;

    @Option(names = "--out", required = true, description = "Output file (.ply, .spz or .splat).")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("input not found: " + in);
        GaussianModel model = SplatFiles.read(in);
        SplatFiles.write(model, out);
        long inBytes = in.toFile().length(), outBytes = out.toFile().length();
        System.out.printf("forge3d convert: %d Gaussians (SH degree %d), %s %d bytes -> %s %d bytes (%.2fx smaller)%n", model.size(),
                model.shDegree(), in.getFileName(), inBytes, out.getFileName(), outBytes, (double) inBytes / Math.max(1, outBytes));
        return 0;
    }
}
