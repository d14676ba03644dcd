package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Maps each phase's own progress (0..1 within a stage, plus its ETA if it knows one) to the job's overall
 * progress and ETA, using the phases' weights.
 *
 * <p>ETA = the current phase's remaining time (its own ETA when it reports one, else extrapolated from its
 * elapsed time and fraction) + the remaining phases' weights times the seconds per unit of weight observed so far.
 * Unknown ({@code NaN}) until there is something to extrapolate from. Thread-safe: the job thread writes, the
 * heartbeat thread reads {@link #snapshot()}.
 */
public final class OverallProgress {

    /** A phase of the job (a stage, or the runner's download / upload) and its weight. */
    public record Phase(String name, double weight) { }

    /** What a heartbeat reports. {@code etaSeconds} is NaN when unknown. */
    public record Snapshot(String stage, double progress, double etaSeconds, String message) { }

    private static final double MIN_FRACTION_FOR_EXTRAPOLATION = 0.02;

    private final List<Phase> phases;
    private final double totalWeight;
    private final LongSupplier nanoClock;
    private final ProgressListener downstream;

    private int current = -1;
    private double fraction;
    private double phaseEta = Double.NaN;
    private String message = "";
    private long phaseStart;
    private long doneNanos;
    private double doneWeight;

    public OverallProgress(List<Phase> phases, ProgressListener downstream) {
        this(phases, downstream, System::nanoTime);
    }

    OverallProgress(List<Phase> phases, ProgressListener downstream, LongSupplier nanoClock) {
        if (phases.isEmpty()) throw new IllegalArgumentException("no phases");
        this.phases = List.copyOf(phases);
        this.totalWeight = phases.stream().mapToDouble(Phase::weight).sum();
        this.nanoClock = nanoClock;
        this.downstream = downstream == null ? ProgressListener.NONE : downstream;
    }

    /** Starts phase {@code index}; the previous one counts as done. */
    public void begin(int index) {
        Snapshot s;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (current >= 0) {
                doneNanos += now - phaseStart;
                doneWeight += phases.get(current).weight();
            }
            current = index;
            phaseStart = now;
            fraction = 0;
            phaseEta = Double.NaN;
            message = "";
            s = snapshotLocked();
        }
        forward(s);
    }

    /** The listener a phase reports to; {@code cancel} answers its {@link ProgressListener#cancelRequested()}. */
    public ProgressListener listener(BooleanSupplier cancel) {
        return new ProgressListener() {
            @Override
            public void onProgress(Progress p) {
                update(p);
            }

            @Override
            public boolean cancelRequested() {
                return cancel.getAsBoolean();
            }
        };
    }

    void update(Progress p) {
        Snapshot s;
        synchronized (this) {
            if (current < 0) return;
            fraction = p.fraction();
            phaseEta = p.etaSeconds();
            message = p.message();
            s = snapshotLocked();
        }
        forward(s);
    }

    public synchronized Snapshot snapshot() {
        if (current < 0) return new Snapshot(phases.getFirst().name(), 0, Double.NaN, "");
        return snapshotLocked();
    }

    private Snapshot snapshotLocked() {
        Phase phase = phases.get(current);
        double w = phase.weight();
        double doneNow = doneWeight + w * fraction;
        double progress = totalWeight == 0 ? 0 : Math.min(1, doneNow / totalWeight);

        double elapsedPhase = (nanoClock.getAsLong() - phaseStart) / 1e9;
        double phaseLeft = !Double.isNaN(phaseEta) ? Math.max(0, phaseEta)
                : fraction >= MIN_FRACTION_FOR_EXTRAPOLATION ? elapsedPhase * (1 - fraction) / fraction
                : Double.NaN;
        double restWeight = totalWeight - doneWeight - w;
        double eta;
        if (restWeight <= 1e-12) {
            eta = phaseLeft;
        } else {
            double secondsPerWeight = doneNow > 1e-9 && doneNow / totalWeight >= MIN_FRACTION_FOR_EXTRAPOLATION
                    ? (doneNanos / 1e9 + elapsedPhase) / doneNow : Double.NaN;
            eta = phaseLeft + restWeight * secondsPerWeight;
        }
        return new Snapshot(phase.name(), progress, eta, message);
    }

    private void forward(Snapshot s) {
        downstream.onProgress(Progress.of(s.stage(), s.progress(), s.etaSeconds(), s.message()));
    }
}
