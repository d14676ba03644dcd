package dev.forge3d.runtime.sds.torchscript;

import java.nio.file.Files;
import java.nio.file.Path;

/** The committed miniature Stable-Diffusion-shaped fixture (scripts/sds/make_tiny_sd.py), found from the test's folder. */
public final class TinySd {

    private TinySd() { }

    /** {@code scripts/sds/tiny-sd}: four random-weight TorchScript modules, tokenizer.json and model.json. */
    public static Path dir() { return find("scripts/sds/tiny-sd"); }

    /** {@code scripts/sds/tiny-sd-broken-unet/unet.pt}: a UNet without the timestep input. */
    public static Path brokenUnet() { return find("scripts/sds/tiny-sd-broken-unet").resolve("unet.pt"); }

    /** The repository's {@code scripts/sds} folder (the export script and the shared contract). */
    public static Path scripts() { return find("scripts/sds"); }

    private static Path find(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(rel))) return p.resolve(rel);
        }
        throw new IllegalStateException(rel + " not found above " + Path.of("").toAbsolutePath());
    }
}
