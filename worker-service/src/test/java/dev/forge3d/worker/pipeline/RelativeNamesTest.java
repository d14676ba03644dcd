package dev.forge3d.worker.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelativeNamesTest {

    private final Path root = Path.of("/tmp/forge3d-job");

    @Test
    void resolvesNestedNamesAndBack() {
        Path p = RelativeNames.resolve(root, "cameras/images.txt");
        assertThat(p).isEqualTo(root.resolve("cameras").resolve("images.txt"));
        assertThat(RelativeNames.of(root, p)).isEqualTo("cameras/images.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "images/../../x", "/abs", "a//b", "a/./b", "a\\b", "", "a/"})
    void rejectsNamesThatEscapeOrAreMalformed(String name) {
        assertThatThrownBy(() -> RelativeNames.resolve(root, name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobParamsParseFormStringsAndJsonValues() {
        var json = tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
                .put("iterations", "500").put("seed", 7).put("preset", "preview").put("white", "true").put("bad", "x");
        JobParams p = new JobParams(json);
        assertThat(p.integer("iterations", 1)).isEqualTo(500);
        assertThat(p.integer("seed", 1)).isEqualTo(7);
        assertThat(p.integer("missing", 3)).isEqualTo(3);
        assertThat(p.string("preset", "standard")).isEqualTo("preview");
        assertThat(p.bool("white", false)).isTrue();
        assertThatThrownBy(() -> p.integer("bad", 0)).isInstanceOf(StageFailedException.class)
                .hasMessage("option 'bad' must be an integer, got 'x'");
    }
}
