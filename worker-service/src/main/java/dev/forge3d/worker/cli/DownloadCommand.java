package dev.forge3d.worker.cli;

import dev.forge3d.client.model.Artifact;
import dev.forge3d.worker.client.PublicApiClient;
import dev.forge3d.worker.client.Sha256;
import dev.forge3d.worker.pipeline.RelativeNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code forge3d download JOB --out DIR}: every artifact of a job into a folder, checksums verified. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download every artifact of a job into a folder (sha256 verified).")
public final class DownloadCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "target folder (created if missing)")
    Path out;

    @Override
    public Integer call() throws Exception {
        downloadAll(api.client(), JobWaiter.jobId(jobId), out, System.out);
        return 0;
    }

    static void downloadAll(PublicApiClient client, UUID jobId, Path out, PrintStream log) throws Exception {
        List<Artifact> artifacts = client.artifacts(jobId);
        if (artifacts.isEmpty()) throw new IllegalStateException("job " + jobId + " has no artifacts (yet)");
        Files.createDirectories(out);
        for (Artifact a : artifacts) {
            Path target;
            try {
                target = RelativeNames.resolve(out, a.getName());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("refusing artifact name '" + a.getName() + "' (outside " + out + ")");
            }
            Sha256.Written w = client.downloadArtifact(jobId, a.getName(), target);
            if (a.getSha256() != null && !a.getSha256().isBlank() && !a.getSha256().equalsIgnoreCase(w.sha256())) {
                throw new IllegalStateException("artifact " + a.getName() + " arrived corrupted (sha256 " + w.sha256()
                        + ", expected " + a.getSha256() + ")");
            }
            log.printf(Locale.ROOT, "%-32s %,12d bytes%n", a.getName(), w.size());
        }
        log.printf(Locale.ROOT, "%d artifacts in %s%n", artifacts.size(), out.toAbsolutePath());
    }
}
