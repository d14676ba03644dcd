package dev.forge3d.api.blobs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

@Configuration
class BlobStoreConfiguration {

    @Bean
    BlobStore blobStore(BlobStoreProperties props, @Value("${forge3d.data-dir}") Path dataDir) throws IOException {
        String type = props.type() == null ? "filesystem" : props.type().trim().toLowerCase();
        return switch (type) {
            case "filesystem", "" -> new FileSystemBlobStore(props.filesystem().root());
            case "s3" -> new S3BlobStore(s3Client(props.s3()), props.s3().bucket(), dataDir.resolve("spool"));
            default -> throw new IllegalStateException(
                    "forge3d.blobs.type must be 'filesystem' or 's3', not '" + props.type() + "'");
        };
    }

    static S3Client s3Client(BlobStoreProperties.S3 s3) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(s3.region()))
                .forcePathStyle(s3.pathStyle());
        if (s3.endpoint() != null && !s3.endpoint().isBlank()) b.endpointOverride(URI.create(s3.endpoint()));
        if (s3.accessKey() != null && !s3.accessKey().isBlank()) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return b.build();
    }
}
