package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.TextTo3d;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TextTo3dProgressTest {

    private static Progress sds(int attempt, double f) {
        return new Progress("sds", f, 10, "it", Map.of(TextTo3d.ATTEMPT_STAT, (double) attempt, TextTo3d.ATTEMPTS_STAT, 3.0));
    }

    private static Progress check(int attempt, double f) {
        return new Progress("self-check", f, Double.NaN, "check", Map.of(TextTo3d.ATTEMPT_STAT, (double) attempt, TextTo3d.ATTEMPTS_STAT, 3.0));
    }

    @Test
    void aRetryAndTheExportsNeverMoveTheJobBackwards() {
        List<Progress> seen = new ArrayList<>();
        TextTo3dProgress p = new TextTo3dProgress(seen::add);
        // attempt 1 runs and fails its check, attempt 2 runs and passes, then the exports
        for (Progress in : List.of(sds(1, 0), sds(1, 0.5), sds(1, 1), check(1, 0), check(1, 1),
                sds(2, 0), sds(2, 0.5), sds(2, 1), check(2, 0), check(2, 1),
                Progress.of("export", 0, Double.NaN, "mesh"), Progress.of("export", 0.6, Double.NaN, "judge"), Progress.of("export", 1, 0, "done"))) {
            p.onProgress(in);
        }
        List<Double> fractions = seen.stream().map(Progress::fraction).toList();
        assertThat(fractions).isSorted();
        assertThat(fractions.get(1)).isCloseTo(0.15, within(1e-9));      // half of attempt 1's slot (0.9 / 3)
        assertThat(fractions.get(4)).isCloseTo(0.3, within(1e-9));       // attempt 1 checked
        assertThat(fractions.get(6)).isCloseTo(0.45, within(1e-9));      // half of attempt 2's slot
        assertThat(fractions.get(10)).isCloseTo(0.9, within(1e-9));      // the unused third slot is skipped
        assertThat(fractions.getLast()).isEqualTo(1.0);
        assertThat(seen.get(6).stage()).isEqualTo("sds");
        assertThat(seen.get(6).etaSeconds()).isEqualTo(10);
        assertThat(seen.get(11).message()).isEqualTo("judge");
    }

    @Test
    void reportsWithoutAttemptFiguresCountAsASingleRunAndCancelPassesThrough() {
        List<Progress> seen = new ArrayList<>();
        ProgressListener job = new ProgressListener() {
            @Override public void onProgress(Progress progress) { seen.add(progress); }
            @Override public boolean cancelRequested() { return true; }
        };
        TextTo3dProgress p = new TextTo3dProgress(job);
        p.onProgress(Progress.of("sds", 0.5, Double.NaN, ""));
        assertThat(seen.getLast().fraction()).isCloseTo(0.45, within(1e-9));
        assertThat(p.cancelRequested()).isTrue();
    }
}
