package dev.forge3d.worker.pipeline;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OverallProgressTest {

    private final AtomicLong clock = new AtomicLong();
    private final OverallProgress progress = new OverallProgress(List.of(
            new OverallProgress.Phase("ingest", 10), new OverallProgress.Phase("train", 80),
            new OverallProgress.Phase("export", 10)), null, clock::get);

    private void advance(double seconds) {
        clock.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void stageFractionsMapToOverallProgressByWeight() {
        ProgressListener l = progress.listener(() -> false);
        progress.begin(0);
        l.onProgress(Progress.of("ingest", 0.5, Double.NaN, ""));
        assertThat(progress.snapshot().progress()).isCloseTo(0.05, within(1e-9));
        progress.begin(1);
        assertThat(progress.snapshot().progress()).isCloseTo(0.10, within(1e-9));
        l.onProgress(Progress.of("train", 0.25, Double.NaN, "loss 0.1"));
        OverallProgress.Snapshot s = progress.snapshot();
        assertThat(s.stage()).isEqualTo("train");
        assertThat(s.progress()).isCloseTo(0.30, within(1e-9));
        assertThat(s.message()).isEqualTo("loss 0.1");
        progress.begin(2);
        l.onProgress(Progress.of("export", 1, 0, ""));
        assertThat(progress.snapshot().progress()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void etaIsUnknownAtFirstThenExtrapolatedFromObservedSpeed() {
        ProgressListener l = progress.listener(() -> false);
        progress.begin(0);
        assertThat(progress.snapshot().etaSeconds()).isNaN();
        advance(10);
        progress.begin(1); // ingest (weight 10) took 10 s: 1 s per unit
        advance(20);
        l.onProgress(Progress.of("train", 0.25, Double.NaN, ""));
        // train: 20 s for 25 % -> 60 s left; export: 10 units * (30 s / 30 units) = 10 s
        assertThat(progress.snapshot().etaSeconds()).isCloseTo(70, within(1e-6));
        // a stage that knows its own ETA is believed
        l.onProgress(Progress.of("train", 0.25, 100, ""));
        assertThat(progress.snapshot().etaSeconds()).isCloseTo(110, within(1e-6));
    }

    @Test
    void cancelIsAnsweredByTheSupplier() {
        boolean[] flag = {false};
        ProgressListener l = progress.listener(() -> flag[0]);
        assertThat(l.cancelRequested()).isFalse();
        flag[0] = true;
        assertThat(l.cancelRequested()).isTrue();
    }
}
