package dev.forge3d.runtime.image.ingest;

import java.util.List;

/** The photos that decoded (sorted by name) and the files that were set aside with a reason. */
public record IngestResult(List<IngestedImage> images, List<RejectedImage> rejected) {
    public IngestResult {
        images = List.copyOf(images);
        rejected = List.copyOf(rejected);
    }
}
