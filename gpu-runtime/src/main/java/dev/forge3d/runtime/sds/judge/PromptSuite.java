package dev.forge3d.runtime.sds.judge;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluation prompts with the shape and colour a right answer has: tab-separated {@code prompt, shape, colour}
 * lines, {@code #} comments. The bundled held-out suite phrases every prompt differently from the training
 * captions, most with synonyms never seen in training (crimson, azure, donut, ball, box, ...).
 */
public final class PromptSuite {

    public record Case(String prompt, Shape shape, NamedColour colour) { }

    private PromptSuite() { }

    public static List<Case> heldOut() {
        try (InputStream in = PromptSuite.class.getResourceAsStream("heldout-prompts.tsv")) {
            if (in == null) throw new IllegalStateException("heldout-prompts.tsv is missing from the classpath");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "heldout-prompts.tsv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Case> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Case> parse(String text, String source) {
        List<Case> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] p = l.split("\t");
            if (p.length != 3) throw new IllegalArgumentException(source + " line " + n + ": expected prompt<TAB>shape<TAB>colour");
            try {
                out.add(new Case(p[0].strip(), Shape.valueOf(p[1].strip().toUpperCase(Locale.ROOT)), NamedColour.valueOf(p[2].strip().toUpperCase(Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + n + ": unknown shape or colour in '" + l + "'");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(source + " has no prompts");
        return out;
    }
}
