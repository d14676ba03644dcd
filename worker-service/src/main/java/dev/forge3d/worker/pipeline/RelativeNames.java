package dev.forge3d.worker.pipeline;

import java.nio.file.Path;

/** Input, artifact and checkpoint names are relative paths with '/' separators; nothing may escape its folder. */
public final class RelativeNames {

    private RelativeNames() { }

    /** Resolves {@code name} under {@code root}, rejecting absolute names, '..', '\\' and empty segments. */
    public static Path resolve(Path root, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a relative name: '" + name + "'");
        }
        for (String seg : name.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("not a relative name: '" + name + "'");
            }
        }
        Path r = root.toAbsolutePath().normalize();
        Path p = r.resolve(name).normalize();
        if (!p.startsWith(r) || p.equals(r)) throw new IllegalArgumentException("not a relative name: '" + name + "'");
        return p;
    }

    /** The '/'-separated name of {@code file} below {@code root}. */
    public static String of(Path root, Path file) {
        Path rel = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(part);
        }
        return sb.toString();
    }
}
