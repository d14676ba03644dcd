package dev.forge3d.runtime.sfm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed run's reason when matches were left out as a still backdrop (turntables). */
class StillBackdropReasonTest {

    private final SfmException oneSpot = new SfmException("photos taken from one spot, or of a flat subject", List.of("a.png"));

    @Test
    void mostlyStillBackdropIsTheReasonAndWhatWasLeftComesSecond() {
        SfmException e = StructureFromMotion.withStillBackdropHint(oneSpot, 186_807, 191_338);

        assertThat(e.getMessage()).startsWith("the subject did not move against its background: 186807 of the 191338 matches (98 %)")
                .contains("walking around it. What the remaining matches showed: photos taken from one spot");
        assertThat(e.images()).containsExactly("a.png");
    }

    @Test
    void aSmallerStillShareIsANoteAfterTheReason() {
        assertThat(StructureFromMotion.withStillBackdropHint(oneSpot, 400, 1000).getMessage())
                .startsWith("photos taken from one spot").contains(". Note: 400 of the 1000 matches (40 %)");
    }

    @Test
    void fewStillMatchesLeaveTheReasonAlone() {
        assertThat(StructureFromMotion.withStillBackdropHint(oneSpot, 100, 1000)).isSameAs(oneSpot);
        assertThat(StructureFromMotion.withStillBackdropHint(oneSpot, 0, 0)).isSameAs(oneSpot);
    }
}
