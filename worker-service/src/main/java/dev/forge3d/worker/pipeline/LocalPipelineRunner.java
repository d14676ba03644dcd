package dev.forge3d.worker.pipeline;

import dev.forge3d.jobs.media.MediaTypes;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.client.Capabilities;
import dev.forge3d.worker.client.Sha256;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a job type's pipeline on local folders, without a server: the inputs are the files under a folder (named
 * by their relative paths, as the API would name them), the artifacts go to an output folder, checkpoints to a
 * folder of their own (so a second run with the same checkpoint folder resumes), and progress to a listener such
 * as the CLI's progress bar. Used by CLI commands that run the same stages as a worker.
 */
public final class LocalPipelineRunner {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LocalPipelineRunner() { }

    /**
     * @param inputsDir      the job's inputs (may be null: no inputs, e.g. a prompt)
     * @param outputDir      receives the artifacts and {@code metrics.json}
     * @param workDir        scratch space
     * @param checkpointsDir where checkpoints are kept between runs
     * @param capabilities   what this machine runs on (e.g. {@code HostProbe.capabilities()})
     * @param listener       overall progress; its {@code cancelRequested()} stops the run
     * @return the metrics (also written to {@code outputDir/metrics.json} unless a stage wrote that file)
     * @throws dev.forge3d.runtime.progress.CancelledException when the listener asked to stop
     * @throws StageFailedException                            when a stage failed, with the reason
     */
    public static ObjectNode run(Pipeline pipeline, String jobName, JobParams params, Path inputsDir, Path outputDir,
                                 Path workDir, Path checkpointsDir, Capabilities capabilities,
                                 ProgressListener listener) throws IOException {
        Files.createDirectories(outputDir);
        Files.createDirectories(workDir);
        List<JobInput> inputs = inputsDir == null ? List.of() : inputs(inputsDir);
        JobDirectories dirs = new JobDirectories(workDir, inputsDir == null ? workDir : inputsDir, outputDir, workDir);
        List<OverallProgress.Phase> phases = new ArrayList<>();
        for (Pipeline.Step s : pipeline.steps()) phases.add(new OverallProgress.Phase(s.stage().name(), s.weight()));
        OverallProgress progress = new OverallProgress(phases, listener);
        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("jobType", pipeline.jobType());
        metrics.put("backend", capabilities.backend());
        metrics.put("threads", capabilities.threads());
        JobDescriptor job = new JobDescriptor(jobName, pipeline.jobType(), 1, params, "local", capabilities);
        PipelineExecutor.run(pipeline, job, inputs, dirs, new DirectoryCheckpoints(checkpointsDir), progress, 0,
                listener::cancelRequested, metrics);
        Path metricsFile = outputDir.resolve("metrics.json");
        if (!Files.exists(metricsFile)) Files.write(metricsFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(metrics));
        return metrics;
    }

    private static List<JobInput> inputs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no such folder: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> RelativeNames.of(dir, p))).toList();
        }
        List<JobInput> out = new ArrayList<>();
        for (Path f : files) {
            String name = RelativeNames.of(dir, f);
            out.add(new JobInput(name, f, Files.size(f), Sha256.of(f), MediaTypes.forName(name)));
        }
        return out;
    }
}
