package dev.forge3d.worker.cli;

import dev.forge3d.runtime.sds.SdsConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalTextTo3dCommandTest {

    @Test
    void overridesSetNamedSettings() {
        SdsConfig cfg = new SdsConfig();
        EvalTextTo3dCommand.applyOverrides(cfg, Map.of("lrColour", "0.01", "boundColours", "false", "attempts", "2"));
        assertThat(cfg.lrColour).isEqualTo(0.01);
        assertThat(cfg.boundColours).isFalse();
        assertThat(cfg.attempts).isEqualTo(2);
    }

    @Test
    void aTimeBudgetCapsTheConvergedScheduleAndDoesNotStretchIt() {
        SdsConfig timed = TextTo3dCommand.config(0, null, 600.0, null, null, null);
        assertThat(timed.iterations).isEqualTo(new SdsConfig().iterations);
        assertThat(timed.maxSeconds).isEqualTo(600);
        SdsConfig onlyTime = TextTo3dCommand.config(0, 0, 600.0, null, null, null);
        assertThat(onlyTime.iterations).as("--iterations 0 leaves only the time budget").isZero();
    }

    @Test
    void unknownNamesBadValuesAndInvalidSettingsAreClearErrors() {
        assertThatThrownBy(() -> EvalTextTo3dCommand.applyOverrides(new SdsConfig(), Map.of("colourRate", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no setting 'colourRate'");
        assertThatThrownBy(() -> EvalTextTo3dCommand.applyOverrides(new SdsConfig(), Map.of("attempts", "two")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid value");
        assertThatThrownBy(() -> EvalTextTo3dCommand.applyOverrides(new SdsConfig(), Map.of("attempts", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts must be in 1..10");
    }
}
