package dev.forge3d.runtime.sds.torchscript;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An exported Stable Diffusion-class model folder (see docs/text-to-3d.md and scripts/sds/export_sd_torchscript.py):
 * four TorchScript modules, the CLIP tokenizer and {@code model.json} with the sizes and the noise schedule.
 * {@link #open} checks everything that can be checked without loading the modules and names what is wrong.
 *
 * @param dir            the folder
 * @param imageSize      side of the RGB images the VAE takes (e.g. 512)
 * @param latentSize     side of the latents (e.g. 64)
 * @param latentChannels latent channels (4)
 * @param latentScale    VAE scaling factor (0.18215 for SD 1.5)
 * @param textLength     tokens per prompt (77)
 * @param steps          training timesteps (1000)
 * @param betaStart      schedule's first beta (0.00085)
 * @param betaEnd        schedule's last beta (0.012)
 * @param schedule       {@code scaled_linear} or {@code linear}
 * @param guidance       default guidance scale for SDS (100 in DreamFusion)
 */
public record ModelDirectory(Path dir, int imageSize, int latentSize, int latentChannels, double latentScale, int textLength,
                             int steps, double betaStart, double betaEnd, String schedule, double guidance) {

    public static final List<String> FILES = List.of("text_encoder.pt", "unet.pt", "vae_encoder.pt", "vae_decoder.pt", "tokenizer.json", "model.json");

    public static ModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) throw new InvalidModelDirectoryException("model directory " + dir + " does not exist or is not a folder");
        List<String> missing = new ArrayList<>();
        for (String f : FILES) if (!Files.isRegularFile(dir.resolve(f))) missing.add(f);
        if (!missing.isEmpty()) {
            throw new InvalidModelDirectoryException("model directory " + dir + " is missing " + String.join(", ", missing)
                    + " (export it with scripts/sds/export_sd_torchscript.py, see docs/text-to-3d.md)");
        }
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(Files.readString(dir.resolve("model.json")));
        } catch (Exception e) {
            throw new InvalidModelDirectoryException("model.json in " + dir + " is not valid JSON: " + e.getMessage());
        }
        ModelDirectory m = new ModelDirectory(dir, intField(j, "imageSize", dir), intField(j, "latentSize", dir), intField(j, "latentChannels", dir),
                doubleField(j, "latentScale", dir), intField(j, "textLength", dir), intField(j, "steps", dir),
                doubleField(j, "betaStart", dir), doubleField(j, "betaEnd", dir), textField(j, "schedule", dir), doubleField(j, "guidance", dir));
        if (!m.schedule.equals("scaled_linear") && !m.schedule.equals("linear")) {
            throw new InvalidModelDirectoryException("model.json in " + dir + ": schedule must be scaled_linear or linear, not " + m.schedule);
        }
        if (m.imageSize % m.latentSize != 0) {
            throw new InvalidModelDirectoryException("model.json in " + dir + ": imageSize " + m.imageSize + " is not a multiple of latentSize " + m.latentSize);
        }
        return m;
    }

    private static JsonNode field(JsonNode j, String name, Path dir) {
        JsonNode v = j.get(name);
        if (v == null || v.isNull()) throw new InvalidModelDirectoryException("model.json in " + dir + " has no \"" + name + "\"");
        return v;
    }

    private static int intField(JsonNode j, String name, Path dir) {
        JsonNode v = field(j, name, dir);
        if (!v.isIntegralNumber() || v.asInt() <= 0) throw new InvalidModelDirectoryException("model.json in " + dir + ": \"" + name + "\" must be a positive integer");
        return v.asInt();
    }

    private static double doubleField(JsonNode j, String name, Path dir) {
        JsonNode v = field(j, name, dir);
        if (!v.isNumber() || v.asDouble() <= 0) throw new InvalidModelDirectoryException("model.json in " + dir + ": \"" + name + "\" must be a positive number");
        return v.asDouble();
    }

    private static String textField(JsonNode j, String name, Path dir) {
        JsonNode v = field(j, name, dir);
        if (!v.isString()) throw new InvalidModelDirectoryException("model.json in " + dir + ": \"" + name + "\" must be a string");
        return v.asString();
    }
}
