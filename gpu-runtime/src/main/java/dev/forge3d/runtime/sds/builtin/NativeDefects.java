package dev.forge3d.runtime.sds.builtin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Known defects of the PyTorch CPU natives that DJL ships, by CPU. On AMD family 26 (Zen 5, e.g. EPYC 9005) the
 * 2.7.1 natives return NaN gradients from the built-in prior's UNet at random: the forward pass is finite, each of
 * its 12 kinds of operation alone gave finite gradients 40 times out of 40, the composed network's were NaN in most
 * runs (single intra-op thread; {@code MKL_ENABLE_INSTRUCTIONS=AVX2} made it rarer, not gone). So the prior cannot be
 * trained there. Found on 2026-12-07; the jobs' use of the prior (sampling, SDS) has no backward pass through it.
 */
public final class NativeDefects {

    private NativeDefects() { }

    /** Whether this machine's CPU is one on which the natives' gradients are known to come out NaN. */
    public static boolean nanGradients() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            return info.contains("AuthenticAMD") && info.matches("(?s).*cpu family\\s*:\\s*26\\b.*");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A sentence for an error message, empty where no defect is known for this CPU. */
    static String note() {
        return nanGradients()
                ? " (this CPU is AMD family 26, Zen 5, on which DJL's PyTorch 2.7.1 CPU natives are known to return NaN"
                  + " gradients: train the prior on another machine and copy its directory)"
                : "";
    }
}
