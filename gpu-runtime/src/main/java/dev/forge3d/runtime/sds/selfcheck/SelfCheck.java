package dev.forge3d.runtime.sds.selfcheck;

import java.util.Map;

/**
 * The prior's own reading of a generated object (a diffusion classifier): the mean conditional denoising error of
 * the object's renders under the intended reading and under each rival. The object passes when the intended reading
 * explains it better than every rival of every aspect.
 *
 * @param intendedLabel  what the prompt was read as
 * @param intendedError  mean squared noise-prediction error under the intended reading
 * @param rivalErrors    rival label → its error
 * @param aspectMargins  aspect → (best rival's error − intended error) / intended error; positive where intended wins
 * @param aspectWinners  aspect → the label with the lowest error in that aspect (the intended one where it wins)
 * @param seconds        time the check took
 */
public record SelfCheck(String intendedLabel, double intendedError, Map<String, Double> rivalErrors,
                        Map<String, Double> aspectMargins, Map<String, String> aspectWinners, double seconds) {

    /** The smallest margin over the aspects: positive when the intended reading wins every aspect. */
    public double margin() {
        return aspectMargins.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public boolean passed() { return margin() > 0; }
}
