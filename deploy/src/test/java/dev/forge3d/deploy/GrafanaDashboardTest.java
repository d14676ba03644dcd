package dev.forge3d.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/forge3d.json queries only the metrics the API exports (docs/deploy.md), and its histogram
 * quantiles only meters whose buckets application.yml turns on.
 */
class GrafanaDashboardTest {
    static final Set<String> EXPORTED = Set.of("forge3d_queue_depth", "forge3d_queue_oldest_age_seconds",
            "forge3d_jobs_running", "forge3d_workers", "forge3d_job_duration_seconds", "forge3d_job_queue_wait_seconds",
            "forge3d_job_stage_duration_seconds", "forge3d_upload_bytes_total", "http_server_requests_seconds");
    static final Pattern METRIC = Pattern.compile("\\b((?:forge3d|http_server)_[a-z_]+?)(_bucket|_count|_sum)?\\b");

    @Test
    void everyPanelQueriesAnExportedMetric() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("grafana/forge3d.json").toFile());
        JsonNode histograms = new YAMLMapper().readTree(Path.of("../api-service/src/main/resources/application.yml")
                .toFile()).path("management").path("metrics").path("distribution").path("percentiles-histogram");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                int found = 0;
                while (m.find()) {
                    found++;
                    assertThat(EXPORTED).as(target.path("expr").asText()).contains(m.group(1));
                    if ("_bucket".equals(m.group(2))) {
                        // Spring Boot turns buckets on per meter-name prefix: [forge3d.job] covers forge3d.job.duration.
                        String meter = m.group(1).replaceFirst("_seconds$", "").replace('_', '.');
                        boolean on = false;
                        for (var e : histograms.properties()) {
                            String prefix = e.getKey().replaceAll("^\\[|\\]$", "");
                            on |= e.getValue().asBoolean() && (meter.equals(prefix) || meter.startsWith(prefix + "."));
                        }
                        assertThat(on).as("histogram buckets of " + meter + " in application.yml").isTrue();
                    }
                }
                assertThat(found).as(target.path("expr").asText()).isPositive();
            }
        }
        assertThat(ids).hasSizeGreaterThanOrEqualTo(6);
    }
}
