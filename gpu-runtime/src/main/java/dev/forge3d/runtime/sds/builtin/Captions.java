package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;

import java.util.List;

/** Caption templates of the built-in prior's training renders (DreamFusion view suffixes are appended at random). */
public final class Captions {

    public static final List<String> TEMPLATES = List.of(
            "a {c} {s}", "a {s} that is {c}", "{c} {s}, 3d render", "a 3d model of a {c} {s}",
            "a {c} {s} on a white background", "{s}, {c}");

    /** Index 0 means no suffix. */
    public static final List<String> VIEW_SUFFIXES = List.of("", "front view", "side view", "back view");

    private Captions() { }

    public static String caption(int template, Shape shape, NamedColour colour, int suffix) {
        String c = TEMPLATES.get(template).replace("{c}", colour.word()).replace("{s}", shape.word());
        return suffix == 0 ? c : c + ", " + VIEW_SUFFIXES.get(suffix);
    }

    public static int suffixIndex(String viewSuffix) {
        int i = VIEW_SUFFIXES.indexOf(viewSuffix);
        return i < 0 ? 0 : i;
    }
}
