package dev.forge3d.runtime.sds.shapes;

import java.util.Locale;

/** The primitive shapes the built-in prior knows. */
public enum Shape {
    CUBE, SPHERE, CYLINDER, CONE, TORUS;

    public String word() { return name().toLowerCase(Locale.ROOT); }
}
