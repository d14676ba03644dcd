package dev.forge3d.runtime.sds.torchscript;

import dev.forge3d.runtime.sds.Priors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No Stable Diffusion weights exist here: these check that every broken model directory is a clear error. */
class TorchScriptDiffusionPriorTest {

    static final String MODEL_JSON = """
            {"imageSize": 512, "latentSize": 64, "latentChannels": 4, "latentScale": 0.18215, "textLength": 77,
             "steps": 1000, "betaStart": 0.00085, "betaEnd": 0.012, "schedule": "scaled_linear", "guidance": 100}
            """;

    /** A valid HuggingFace tokenizer (word level, two tokens): enough to get past the tokenizer to the modules. */
    static final String TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
             "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "cube": 1}, "unk_token": "[UNK]"}}
            """;

    @Test
    void missingDirectoryIsNamed(@TempDir Path tmp) {
        Path dir = tmp.resolve("sd15");
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Priors.open(dir.toString())).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("neither 'builtin' nor an existing model directory");
    }

    @Test
    void everyMissingFileIsListed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("unet.pt"), "x");
        Files.writeString(dir.resolve("model.json"), MODEL_JSON);
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("missing text_encoder.pt, vae_encoder.pt, vae_decoder.pt, tokenizer.json")
                .hasMessageContaining("export_sd_torchscript.py");
    }

    @Test
    void badModelJsonSaysWhichField(@TempDir Path dir) throws Exception {
        for (String f : ModelDirectory.FILES) Files.writeString(dir.resolve(f), "x");
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).hasMessageContaining("model.json").hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve("model.json"), MODEL_JSON.replace("\"latentSize\": 64,", ""));
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).hasMessageContaining("has no \"latentSize\"");
        Files.writeString(dir.resolve("model.json"), MODEL_JSON.replace("scaled_linear", "cosine"));
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).hasMessageContaining("schedule must be scaled_linear or linear");
        Files.writeString(dir.resolve("model.json"), MODEL_JSON);
        ModelDirectory m = ModelDirectory.open(dir);
        assertThat(m.imageSize()).isEqualTo(512);
        assertThat(m.latentScale()).isEqualTo(0.18215);
    }

    @Test
    void brokenTokenizerAndModulesAreNamed(@TempDir Path dir) throws Exception {
        for (String f : ModelDirectory.FILES) Files.writeString(dir.resolve(f), "not a torchscript archive");
        Files.writeString(dir.resolve("model.json"), MODEL_JSON);
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("not a HuggingFace tokenizer");
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER);
        assertThatThrownBy(() -> TorchScriptDiffusionPrior.load(dir)).isInstanceOf(InvalidModelDirectoryException.class)
                .hasMessageContaining("text_encoder.pt").hasMessageContaining("not a loadable TorchScript module");
    }
}
