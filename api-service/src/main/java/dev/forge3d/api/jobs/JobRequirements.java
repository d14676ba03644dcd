package dev.forge3d.api.jobs;

import dev.forge3d.jobs.options.PhotoJobOptions;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a worker must offer to lease a job, fixed when the job is created: at least {@code minMemoryBytes} of memory
 * (the worker's reported {@code memoryBytes}) and, when {@code requiresGpu}, a CUDA GPU. The claim skips jobs a
 * leasing worker does not meet.
 */
public record JobRequirements(long minMemoryBytes, boolean requiresGpu) {
    /** The job option that asks for a GPU worker. */
    public static final String BACKEND = "backend";
    /** A text-to-3d job: a few thousand Gaussians and the small built-in prior. */
    static final long TEXT_TO_3D_MEMORY_BYTES = 512L << 20;

    /**
     * The requirements of a job of {@code type} with these (already validated) options and {@code images} photos,
     * the largest {@code largestSide} pixels on its longest side (0: unknown, the options' sizes are assumed).
     * photos-to-splat: the estimate of {@link PhotoJobOptions#estimatedMemoryBytes}; text-to-3d: 512 MiB. Option
     * {@code backend}: {@code auto} (default, any worker) or {@code cuda} (only a worker that reports a CUDA GPU).
     *
     * @throws IllegalArgumentException naming the option when {@code backend} has another value
     */
    public static JobRequirements of(String type, ObjectNode params, int images, int largestSide) {
        boolean gpu = requiresGpu(params);
        long memory = switch (type) {
            case JobTypes.PHOTOS_TO_SPLAT -> PhotoJobOptions.parse(params).estimatedMemoryBytes(images,
                    largestSide > 0 ? largestSide : Integer.MAX_VALUE);
            case JobTypes.TEXT_TO_3D -> TEXT_TO_3D_MEMORY_BYTES;
            default -> throw new IllegalStateException(type);
        };
        return new JobRequirements(memory, gpu);
    }

    static boolean requiresGpu(ObjectNode params) {
        JsonNode v = params == null ? null : params.get(BACKEND);
        if (v == null || v.isNull()) return false;
        String s = v.isString() ? v.asString().strip().toLowerCase(Locale.ROOT) : v.toString();
        return switch (s) {
            case "", "auto" -> false;
            case "cuda" -> true;
            default -> throw new IllegalArgumentException("option 'backend' must be auto or cuda, got '"
                    + JobTypes.abbreviate(v.isString() ? v.asString() : v.toString()) + "'");
        };
    }
}
