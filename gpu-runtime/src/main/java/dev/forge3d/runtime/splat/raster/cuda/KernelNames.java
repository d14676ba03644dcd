package dev.forge3d.runtime.splat.raster.cuda;

import java.util.List;

/** The extern "C" kernels of each module in {@code gpu-runtime/src/main/cuda}. */
final class KernelNames {

    private KernelNames() { }

    static List<String> of(String module) {
        return switch (module) {
            case "project" -> List.of("project_forward", "project_backward");
            case "binning" -> List.of("scan_blocks", "scan_add", "duplicate_keys", "radix_histogram", "radix_scatter", "tile_ranges");
            case "blend" -> List.of("blend_forward", "blend_backward");
            case "adam" -> List.of("adam_step");
            default -> throw new IllegalArgumentException("unknown kernel module " + module);
        };
    }
}
