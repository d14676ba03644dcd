package dev.forge3d.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KEDA's objects against KEDA's CRD schema: fabric8 has no KEDA model, so {@code scripts/k8s/validate-keda.mjs}
 * runs the validators that {@code @kubernetes-models/keda} generates from KEDA's Go API types (pinned in
 * scripts/k8s/package-lock.json; installed by .ci/run with npm). Required fields and types are checked there;
 * unknown fields are not (KEDA's schema allows them, and the API server prunes them). Without node or the package
 * the check says so on stderr and only the fields forge3d relies on are checked here.
 */
final class KedaSchema {
    static final Path SCRIPT = Path.of("..", "scripts", "k8s", "validate-keda.mjs");
    static final Path PACKAGE = Path.of("..", "scripts", "k8s", "node_modules", "@kubernetes-models", "keda");

    private KedaSchema() {}

    static void check(List<JsonNode> objects) throws IOException, InterruptedException {
        for (JsonNode o : objects) {
            JsonNode spec = o.path("spec");
            if (o.path("kind").asText().equals("ScaledObject")) {
                assertThat(spec.path("scaleTargetRef").path("name").isTextual()).isTrue();
                assertThat(spec.path("triggers").isArray() && !spec.path("triggers").isEmpty()).isTrue();
            } else {
                assertThat(spec.path("secretTargetRef").isArray()).isTrue();
            }
        }
        if (!Files.isDirectory(PACKAGE)) {
            System.err.println("KedaSchema: scripts/k8s is not installed (npm ci --prefix scripts/k8s): KEDA objects "
                    + "checked for forge3d's fields only, not against KEDA's schema");
            return;
        }
        Process p;
        try {
            p = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.err.println("KedaSchema: node is not installed: KEDA objects not checked against KEDA's schema");
            return;
        }
        try (var in = p.getOutputStream()) {
            in.write(new ObjectMapper().writeValueAsBytes(objects));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("KEDA schema: " + out).isZero();
        assertThat(out.strip()).isEqualTo("ok");
    }
}
