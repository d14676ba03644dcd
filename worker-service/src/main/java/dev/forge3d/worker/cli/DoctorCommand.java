package dev.forge3d.worker.cli;

import dev.forge3d.runtime.image.heif.HeifDecoder;
import dev.forge3d.worker.HostProbe;
import dev.forge3d.runtime.sds.PriorDevice;
import dev.forge3d.worker.WorkerConfig;
import dev.forge3d.worker.pipeline.stages.TextTo3dStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code forge3d doctor}: what this machine offers forge3d (CPU, Vector API, heap, CUDA, the prior's engine and device, HEIC decoding, working folder). */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show what this machine offers forge3d: CPU threads, Vector API width, heap, CUDA, the text-to-3d prior and its engine and device.")
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        HostProbe.CudaStatus cuda = HostProbe.cuda();
        row(out, "java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        row(out, "cpu", rt.availableProcessors() + " threads");
        row(out, "vector api", "FloatVector preferred species: " + HostProbe.vectorSpecies());
        row(out, "max heap", gib(rt.maxMemory()));
        row(out, "cuda", cuda.detail());
        row(out, "backend", (cuda.available() ? "cuda" : "cpu") + " (" + rt.availableProcessors() + " threads)");
        row(out, "prior", TextTo3dStage.configuredPrior() + " (text-to-3d; --prior, forge3d.worker.prior or FORGE3D_PRIOR)");
        row(out, "prior dev", priorDevice());
        row(out, "heic", heic());
        row(out, "work dir", workDir(WorkerConfig.defaultWorkDir()));
        out.flush();
        return 0;
    }

    /** The engine and device an exported prior would run on (starts the PyTorch engine, about a second). */
    static String priorDevice() {
        try {
            return PriorDevice.select().describe();
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** Whether HEIC/HEIF photos (iPhones) can be decoded here: libheif's tools on the PATH. */
    static String heic() {
        return HeifDecoder.find(1).map(d -> "available (" + d.version() + ")")
                .orElse("NOT available: " + HeifDecoder.missingReason());
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-11s %s%n", key, value);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static String workDir(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return dir + " (no existing parent folder)";
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            String state = Files.exists(dir) ? (Files.isWritable(dir) ? "writable" : "NOT writable")
                    : (Files.isWritable(existing) ? "will be created" : "cannot be created: " + existing + " is not writable");
            return dir + " (" + state + ", " + gib(free) + " free)";
        } catch (IOException e) {
            return dir + " (" + e.getMessage() + ")";
        }
    }
}
