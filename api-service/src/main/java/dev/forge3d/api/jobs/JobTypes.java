package dev.forge3d.api.jobs;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.util.List;

/** The job types the API accepts; workers name the ones they can run when they lease. */
public final class JobTypes {
    public static final String PHOTOS_TO_SPLAT = "photos-to-splat";
    public static final String TEXT_TO_3D = "text-to-3d";
    public static final List<String> ALL = List.of(PHOTOS_TO_SPLAT, TEXT_TO_3D);

    private JobTypes() {}

    public static String require(String type) {
        if (type == null || type.isBlank()) {
            throw new ApiException(ProblemType.UNKNOWN_JOB_TYPE, "field 'type' is required: one of " + ALL);
        }
        if (!ALL.contains(type)) {
            throw new ApiException(ProblemType.UNKNOWN_JOB_TYPE,
                    "unknown job type '" + abbreviate(type) + "': one of " + ALL);
        }
        return type;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
