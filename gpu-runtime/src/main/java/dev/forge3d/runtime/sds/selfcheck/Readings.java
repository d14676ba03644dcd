package dev.forge3d.runtime.sds.selfcheck;

import dev.forge3d.runtime.sds.DiffusionPrior.Conditioning;

import java.util.List;

/**
 * What a generated object is checked against: the prompt's intended reading and, per aspect (e.g. {@code shape},
 * {@code colour}), the rival readings it must beat. A prior with a closed vocabulary (the built-in one) offers them;
 * an open-vocabulary prior has none and its runs are not self-checked.
 *
 * @param intendedLabel  what the prompt was read as, e.g. {@code "red cube"}
 * @param intendedPrompt the same reading as a prompt in the prior's own words (e.g. {@code "a red cube"}): what a
 *                       retry is conditioned on, committed to the intended reading where the prompt left the prior
 *                       unsure between several
 * @param intended       that reading's conditioning
 * @param rivals         readings that differ from the intended one in exactly one aspect
 */
public record Readings(String intendedLabel, String intendedPrompt, Conditioning intended, List<Rival> rivals) {

    /** A reading that differs from the intended one in {@code aspect} (label e.g. {@code "red sphere"}). */
    public record Rival(String aspect, String label, Conditioning conditioning) { }

    public Readings {
        if (rivals == null || rivals.isEmpty()) throw new IllegalArgumentException("a self-check needs rival readings");
        rivals = List.copyOf(rivals);
    }
}
