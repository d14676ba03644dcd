package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.worker.client.Sha256;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A placeholder stage for the service's plumbing, used until the compute stages land: it re-reads every input,
 * and writes {@code manifest.json} listing the inputs (name, size, sha256, media type) and the job's params.
 * It produces no 3D output and says so in the manifest.
 */
public final class DiagnosticStage implements Stage {

    public static final String NAME = "diagnostic";
    public static final String MANIFEST = "manifest.json";
    public static final String KIND = "forge3d.diagnostic-manifest";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BUFFER = 1 << 16;

    @Override
    public String name() { return NAME; }

    @Override
    public void run(StageContext ctx) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("kind", KIND);
        m.put("description", "Diagnostic output of the forge3d worker: lists the job's inputs and parameters. "
                + "This is not a 3D result; no reconstruction or generation was run.");
        m.put("jobId", ctx.jobId());
        m.put("jobType", ctx.jobType());
        m.put("attempt", ctx.attempt());
        m.put("workerId", ctx.job().workerId());
        m.put("createdAt", Instant.now().toString());
        m.set("params", ctx.params().json());
        ArrayNode list = m.putArray("inputs");

        long total = ctx.inputs().stream().mapToLong(JobInput::size).sum();
        long done = 0;
        byte[] buf = new byte[BUFFER];
        for (JobInput in : ctx.inputs()) {
            MessageDigest md = Sha256.newDigest();
            long size = 0;
            try (InputStream is = Files.newInputStream(in.path());
                 OutputStream os = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
                for (int n; (n = is.read(buf)) > 0; ) {
                    os.write(buf, 0, n);
                    size += n;
                    done += n;
                    if (size % (BUFFER * 64L) < n) {
                        ctx.progress().checkCancelled();
                        ctx.progress().onProgress(Progress.of(NAME, total == 0 ? 1 : (double) done / total, Double.NaN, in.name()));
                    }
                }
            }
            ObjectNode o = list.addObject();
            o.put("name", in.name());
            o.put("size", size);
            o.put("sha256", HexFormat.of().formatHex(md.digest()));
            o.put("mediaType", in.mediaType());
            ctx.progress().checkCancelled();
            ctx.progress().onProgress(Progress.of(NAME, total == 0 ? 1 : (double) done / total, Double.NaN, in.name()));
        }
        m.put("inputCount", ctx.inputs().size());
        m.put("inputBytes", done);
        Files.write(ctx.outputDir().resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        ctx.metrics().put("inputCount", ctx.inputs().size());
        ctx.metrics().put("inputBytes", done);
        ctx.progress().onProgress(Progress.of(NAME, 1, 0, "manifest written"));
    }
}
