package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.mapper.ModelValidator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the accepted model was obtained and why it is trusted: the starting intrinsics, the initial pair (its
 * triangulation angle and homography/essential inlier ratio), how many reconstructions were tried, and the
 * validation checks with their measured values. Written to {@code metrics.json} under {@code validation}.
 */
public record ModelReport(String lensStart, String initialPair, int initialPairInliers,
                          double initialPairMedianAngleDeg, double initialPairHomographyRatio, int attempts,
                          ModelValidator.ModelChecks checks) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("focalLengthStart", lensStart);
        m.put("initialPair", initialPair);
        m.put("initialPairInliers", initialPairInliers);
        m.put("initialPairMedianTriangulationAngleDeg", round(initialPairMedianAngleDeg));
        m.put("initialPairHomographyRatio", round(initialPairHomographyRatio));
        m.put("reconstructionAttempts", attempts);
        m.put("medianTriangulationAngleDeg", round(checks.medianTriangulationDeg()));
        m.put("cameraSpread", round(checks.cameraSpread()));
        m.put("medianPointsPerImage", checks.medianPointsPerImage());
        m.put("minPointsPerImage", checks.minPointsPerImage());
        m.put("strongPairs", checks.pairAgreement().strongPairs());
        m.put("contradictedPairs", checks.pairAgreement().contradicted());
        m.put("contradictedPairShare", round(checks.pairAgreement().contradictedShare()));
        List<Map<String, Object>> list = checks.checks().stream().map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.name());
            x.put("value", round(c.value()));
            x.put("limit", round(c.limit()));
            x.put("passed", c.passed());
            x.put("detail", c.detail());
            return x;
        }).toList();
        m.put("checks", list);
        return m;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
    }
}
