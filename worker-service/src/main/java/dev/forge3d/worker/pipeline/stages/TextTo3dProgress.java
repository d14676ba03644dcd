package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.SdsTrainer;
import dev.forge3d.runtime.sds.TextTo3d;

/**
 * Turns a text-to-3D request's inner reports ({@code sds} 0..1 for each attempt, {@code self-check}, {@code export}
 * 0..1) into one fraction for the job, which only ever grows: a polling client must not see a job go from 95 % back
 * to 0 when the self-check or the export starts, or when the self-check asks for another attempt.
 *
 * <p>The SDS attempts share the first {@value #SDS_SHARE} of the job, one equal slot per attempt that may run
 * ({@link TextTo3d#ATTEMPTS_STAT}); the exports take the rest. A request whose first run passes its check skips the
 * unused slots, so its fraction jumps ahead instead of stepping back. Stage names, messages and the current step's
 * ETA pass through.
 */
final class TextTo3dProgress implements ProgressListener {

    /** SDS is most of a request's time (54-65 s of 55-71 s per one-attempt request in the 2026-12-06 blind run); exports and the judge the rest. */
    static final double SDS_SHARE = 0.9;

    private final ProgressListener job;
    private double reported;

    TextTo3dProgress(ProgressListener job) {
        this.job = job;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        double f = Math.clamp(Double.isNaN(p.fraction()) ? 0 : p.fraction(), 0, 1);
        double overall = reported;
        if (SdsTrainer.STAGE.equals(p.stage())) overall = SDS_SHARE * (attempt(p) - 1 + f) / attempts(p);
        else if (TextTo3d.SELF_CHECK_STAGE.equals(p.stage())) overall = SDS_SHARE * attempt(p) / attempts(p);
        else if (TextTo3d.EXPORT_STAGE.equals(p.stage())) overall = SDS_SHARE + (1 - SDS_SHARE) * f;
        reported = Math.max(reported, overall);
        job.onProgress(new Progress(p.stage(), reported, p.etaSeconds(), p.message(), p.stats()));
    }

    @Override
    public boolean cancelRequested() { return job.cancelRequested(); }

    private static double attempt(Progress p) { return p.stats().getOrDefault(TextTo3d.ATTEMPT_STAT, 1.0); }

    private static double attempts(Progress p) { return Math.max(1, p.stats().getOrDefault(TextTo3d.ATTEMPTS_STAT, 1.0)); }
}
