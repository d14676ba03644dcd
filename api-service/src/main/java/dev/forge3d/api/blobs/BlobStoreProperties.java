package dev.forge3d.api.blobs;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code forge3d.blobs.*}: which blob store, and its settings. */
@ConfigurationProperties("forge3d.blobs")
public record BlobStoreProperties(String type, FileSystem filesystem, S3 s3) {
    public record FileSystem(Path root) {}

    public record S3(String bucket, String endpoint, String region, String accessKey, String secretKey,
            boolean pathStyle) {}
}
