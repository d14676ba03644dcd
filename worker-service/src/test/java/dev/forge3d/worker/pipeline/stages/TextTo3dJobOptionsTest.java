package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.TextTo3dJobOptions;
import dev.forge3d.runtime.sds.SdsConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one parse of text-to-3d options that the API runs at the door and the worker runs before the job. */
class TextTo3dJobOptionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode params(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void defaultsAndStringForms() {
        var o = TextTo3dJobOptions.parse(params("{\"prompt\":\"  a red cube \"}"));
        assertThat(o.prompt()).isEqualTo("a red cube");
        assertThat(o.iterations()).isEqualTo(2000);
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.guidance()).isNaN();
        // Multipart form fields arrive as strings.
        var s = TextTo3dJobOptions.parse(params("{\"prompt\":\"a\",\"seed\":\"-7\",\"maxSeconds\":\"30\","
                + "\"guidance\":\"7.5\",\"attempts\":\"2\"}"));
        assertThat(s.seed()).isEqualTo(-7);
        assertThat(s.iterations()).as("a time budget alone keeps the converging schedule").isEqualTo(2000);
        assertThat(s.maxSeconds()).isEqualTo(30);
        assertThat(TextTo3dStage.sdsConfig(s).guidance).isEqualTo(7.5);
        assertThat(TextTo3dStage.sdsConfig(s).attempts).isEqualTo(2);
    }

    @Test
    void theSharedDefaultsAreTheWorkersOwn() {
        SdsConfig worker = new SdsConfig();
        assertThat(TextTo3dJobOptions.DEFAULT_ITERATIONS).isEqualTo(worker.iterations);
        assertThat(TextTo3dJobOptions.DEFAULT_ATTEMPTS).isEqualTo(worker.attempts);
    }

    @Test
    void refusesEveryValueOutOfRangeOrOfTheWrongKind() {
        String[] bad = {"\"iterations\":-1", "\"iterations\":100001", "\"iterations\":1.5", "\"iterations\":true",
                "\"iterations\":[1]", "\"iterations\":\"x\"", "\"iterations\":0", "\"maxSeconds\":-1",
                "\"maxSeconds\":3601", "\"maxSeconds\":\"NaN\"", "\"guidance\":-0.5", "\"guidance\":101",
                "\"guidance\":\"Infinity\"", "\"attempts\":0", "\"attempts\":11", "\"seed\":1e3",
                "\"seed\":123456789012345678901234567890", "\"seed\":{}"};
        for (String b : bad) {
            assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":\"a\"," + b + "}")))
                    .as(b).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + b.substring(1, b.indexOf('"', 1)) + "'");
        }
    }

    @Test
    void prompts() {
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{}")))
                .isInstanceOf(TextTo3dJobOptions.MissingPromptException.class);
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":\" \"}")))
                .isInstanceOf(TextTo3dJobOptions.MissingPromptException.class);
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":\"" + "y".repeat(501) + "\"}")))
                .isInstanceOf(TextTo3dJobOptions.PromptTooLongException.class);
        assertThat(TextTo3dJobOptions.parse(params("{\"prompt\":\"" + "\uD83D\uDE00".repeat(500) + "\"}")).prompt())
                .as("500 code points, 1000 chars").hasSize(1000);
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":\"a\\u0000b\"}")))
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":\"a\\ud800b\"}")))
                .hasMessageContaining("UTF-16");
        assertThatThrownBy(() -> TextTo3dJobOptions.parse(params("{\"prompt\":7}")))
                .hasMessageContaining("must be a string");
    }
}
