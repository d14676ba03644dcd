package dev.forge3d.api.jobs;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.jobs.options.TextTo3dJobOptions;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a new job's options at the door with the same parsers the worker runs before the job
 * ({@link PhotoJobOptions}, {@link TextTo3dJobOptions}), so a job that is accepted never fails on its options.
 * Options a job type does not read are refused rather than ignored: a misspelt option would otherwise run the job
 * with a default the client did not ask for.
 */
final class JobOptions {
    private JobOptions() {}

    /** Returns what a worker needs to run the job; throws a 4xx {@link ApiException} naming the bad option. */
    static JobRequirements validate(String type, ObjectNode params, int images, int videos, int largestSide) {
        Set<String> known = switch (type) {
            case JobTypes.PHOTOS_TO_SPLAT -> PhotoJobOptions.NAMES;
            case JobTypes.TEXT_TO_3D -> TextTo3dJobOptions.NAMES;
            default -> throw new IllegalStateException(type);
        };
        for (String name : params.propertyNames()) {
            if (!known.contains(name) && !name.equals(JobRequirements.BACKEND)) {
                Set<String> allowed = new TreeSet<>(known);
                allowed.add(JobRequirements.BACKEND);
                allowed.add(JobController.CALLBACK_URL); // taken by the controller before this check
                throw new ApiException(ProblemType.INVALID_PARAMETER, "a " + type + " job takes no option '"
                        + JobTypes.abbreviate(name) + "'; its options are " + allowed);
            }
        }
        try {
            switch (type) {
                case JobTypes.TEXT_TO_3D -> {
                    if (images > 0 || videos > 0) {
                        throw new ApiException(ProblemType.INVALID_PARAMETER,
                                "a text-to-3d job takes no photos: send JSON {\"type\":\"text-to-3d\",\"prompt\":...}");
                    }
                    TextTo3dJobOptions.parse(params);
                }
                case JobTypes.PHOTOS_TO_SPLAT -> {
                    if (images == 0 && videos == 0) {
                        throw new ApiException(ProblemType.MISSING_IMAGES, "a photos-to-splat job needs photos: send "
                                + "multipart/form-data with 'images' file parts (JPEG/PNG), one 'archive' zip or one 'video'");
                    }
                    if (images > 0 && videos > 0) {
                        throw new ApiException(ProblemType.INVALID_PARAMETER, "send photos or one video, not both");
                    }
                    PhotoJobOptions options = PhotoJobOptions.parse(params);
                    // A video's frames are chosen on the worker: at most videoFrames, of a size the API does not read.
                    if (videos > 0) return JobRequirements.of(type, params, options.videoFrames(), 0);
                }
                default -> throw new IllegalStateException(type);
            }
            return JobRequirements.of(type, params, images, largestSide);
        } catch (TextTo3dJobOptions.MissingPromptException e) {
            throw new ApiException(ProblemType.MISSING_PROMPT, e.getMessage());
        } catch (TextTo3dJobOptions.PromptTooLongException e) {
            throw new ApiException(ProblemType.PROMPT_TOO_LONG, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, e.getMessage());
        }
    }
}
