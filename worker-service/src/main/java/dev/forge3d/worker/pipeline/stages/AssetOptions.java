package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ProductAssets;

/** A photos-to-splat job's options (or the {@code mesh} command's flags) as the asset builder's options. */
public final class AssetOptions {
    private AssetOptions() {}

    /** How the export builds the mesh and the cropped splats; {@code posesSupplied}: the photos' units are real. */
    public static ProductAssets.Options of(PhotoJobOptions o, boolean posesSupplied) {
        ProductAssets.Options d = ProductAssets.Options.defaults(posesSupplied);
        return new ProductAssets.Options(crop(o.crop()), o.meshTriangles(), d.resolution(), posesSupplied,
                o.scaleMeters(), d.depthMaxSide(), d.textureSize());
    }

    /** The same options from the command line, checked with the job options' rules. */
    public static ProductAssets.Options fromCommandLine(String crop, int triangles, boolean keepScale,
                                                        double heightMeters, int textureSize) {
        if (triangles < PhotoJobOptions.MIN_TRIANGLES || triangles > PhotoJobOptions.MAX_TRIANGLES) {
            throw new IllegalArgumentException("--mesh-triangles must be " + PhotoJobOptions.MIN_TRIANGLES + ".."
                    + PhotoJobOptions.MAX_TRIANGLES + ", got " + triangles);
        }
        if (!Double.isNaN(heightMeters) && !(heightMeters >= PhotoJobOptions.MIN_SCALE_METERS
                && heightMeters <= PhotoJobOptions.MAX_SCALE_METERS)) {
            throw new IllegalArgumentException("--height-meters must be " + PhotoJobOptions.MIN_SCALE_METERS + ".."
                    + PhotoJobOptions.MAX_SCALE_METERS);
        }
        if (textureSize != 0 && (textureSize < 256 || textureSize > 8192)) {
            throw new IllegalArgumentException("--texture-size must be 0 (vertex colours) or 256..8192, got " + textureSize);
        }
        ProductAssets.Options d = ProductAssets.Options.defaults(keepScale);
        return new ProductAssets.Options(crop(PhotoJobOptions.crop(crop)), triangles, d.resolution(), keepScale,
                heightMeters, d.depthMaxSide(), textureSize);
    }

    static ProductAssets.Crop crop(PhotoJobOptions.Crop c) {
        return switch (c) {
            case AUTO -> ProductAssets.Crop.AUTO;
            case NONE -> ProductAssets.Crop.NONE;
        };
    }
}
