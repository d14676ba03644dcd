package dev.forge3d.api.uploads;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code forge3d.uploads.*}: how many photos one job may have, the zip limits of one request (entries, total
 * expanded size, expansion ratio), the size cap of a pose file and the largest photo in pixels (a
 * decompression-bomb guard). Byte limits on the multipart request itself are
 * Spring's {@code spring.servlet.multipart.max-file-size / max-request-size}.
 */
@ConfigurationProperties("forge3d.uploads")
public record UploadLimits(int maxImages, int maxArchiveEntries, DataSize maxArchiveExpandedBytes,
        long maxArchiveRatio, DataSize maxSidecarBytes, long maxImagePixels) {}
