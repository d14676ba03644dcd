package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.sds.builtin.BuiltinDiffusionPrior;
import dev.forge3d.runtime.sds.torchscript.InvalidModelDirectoryException;
import dev.forge3d.runtime.sds.torchscript.TorchScriptDiffusionPrior;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a prior by the name users give: {@code builtin}, a {@code train-prior} output folder, or an exported SD folder. */
public final class Priors {

    private Priors() { }

    public static DiffusionPrior open(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("builtin")) return BuiltinDiffusionPrior.loadBundled();
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) throw new InvalidModelDirectoryException("prior " + spec + " is neither 'builtin' nor an existing model directory");
        if (Files.isRegularFile(dir.resolve(BuiltinDiffusionPrior.RECIPE))) return BuiltinDiffusionPrior.load(dir);
        return TorchScriptDiffusionPrior.load(dir);
    }
}
