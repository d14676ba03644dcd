package dev.forge3d.runtime.progress;

import java.util.Map;

/**
 * One progress report.
 *
 * @param stage      the stage or phase name, e.g. {@code "train"}, {@code "sfm.matching"}
 * @param fraction   0..1 within that stage
 * @param etaSeconds estimated seconds left in the stage, or {@code NaN} when unknown
 * @param message    a short human-readable line (e.g. "loss 0.041 psnr 27.3 gaussians 120k"), may be empty
 * @param stats      numeric figures worth showing (loss, psnr, gaussians, ...), may be empty
 */
public record Progress(String stage, double fraction, double etaSeconds, String message, Map<String, Double> stats) {

    public Progress {
        fraction = Math.max(0, Math.min(1, fraction));
        message = message == null ? "" : message;
        stats = stats == null ? Map.of() : Map.copyOf(stats);
    }

    public static Progress of(String stage, double fraction, double etaSeconds, String message) {
        return new Progress(stage, fraction, etaSeconds, message, Map.of());
    }
}
