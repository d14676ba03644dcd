package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.ProgressListener;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link Stage} sees of its job.
 * <ul>
 *   <li>{@link #inputs()} in {@link #inputsDir()} (downloaded and checksum-verified before the first stage);</li>
 *   <li>{@link #outputDir()}: every file written there (sub-folders too, e.g. {@code cameras/images.txt}) is
 *       uploaded as an artifact of that name after the last stage, and published when the job completes;</li>
 *   <li>{@link #workDir()}: scratch space for this attempt, deleted afterwards;</li>
 *   <li>{@link #progress()}: progress within this stage (0..1), mapped to the job's overall progress by the
 *       stage's weight; its {@code cancelRequested()} turns true on a cancel request, a lost lease or a worker
 *       shutdown, and the stage should then throw {@link dev.forge3d.runtime.progress.CancelledException};</li>
 *   <li>{@link #checkpoints()}: job-scoped checkpoints that survive attempts;</li>
 *   <li>{@link #shared()}: results handed from one stage to later ones (e.g. the registered cameras);</li>
 *   <li>{@link #metrics()}: figures for the job's {@code metrics.json} and completion (e.g. {@code psnr}).</li>
 * </ul>
 */
public final class StageContext {

    private final JobDescriptor job;
    private final List<JobInput> inputs;
    private final JobDirectories dirs;
    private final ProgressListener progress;
    private final Checkpoints checkpoints;
    private final Map<String, Object> shared;
    private final ObjectNode metrics;

    StageContext(JobDescriptor job, List<JobInput> inputs, JobDirectories dirs, ProgressListener progress,
                 Checkpoints checkpoints, Map<String, Object> shared, ObjectNode metrics) {
        this.job = job;
        this.inputs = List.copyOf(inputs);
        this.dirs = dirs;
        this.progress = progress;
        this.checkpoints = checkpoints;
        this.shared = shared;
        this.metrics = metrics;
    }

    public String jobId() { return job.jobId(); }
    public String jobType() { return job.jobType(); }
    public int attempt() { return job.attempt(); }
    public JobParams params() { return job.params(); }
    public JobDescriptor job() { return job; }
    public List<JobInput> inputs() { return inputs; }
    public Path inputsDir() { return dirs.inputs(); }
    public Path outputDir() { return dirs.outputs(); }
    public Path workDir() { return dirs.work(); }
    public ProgressListener progress() { return progress; }
    public Checkpoints checkpoints() { return checkpoints; }

    /** Results shared between the stages of this attempt, by key (thread-safe). */
    public Map<String, Object> shared() { return shared; }

    /** A shared result of the given type, if an earlier stage put one under {@code key}. */
    public <T> Optional<T> shared(String key, Class<T> type) {
        Object v = shared.get(key);
        return type.isInstance(v) ? Optional.of(type.cast(v)) : Optional.empty();
    }

    /** The job's metrics, written to {@code metrics.json} and sent with completion; stages add their figures. */
    public ObjectNode metrics() { return metrics; }
}
