package dev.forge3d.api.blobs;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A real S3-compatible server in-process (S3Proxy over a transient store, AWS SigV4 auth) and a client for it. */
public final class S3TestServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final S3Client client;

    public S3TestServer() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equalsIgnoreCase(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        client = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test-access", "test-secret")))
                .build();
    }

    public S3Client client() { return client; }

    /** A new bucket and a blob store over it, spooling to {@code spool}. */
    public S3BlobStore store(String bucket, java.nio.file.Path spool) throws java.io.IOException {
        client.createBucket(b -> b.bucket(bucket));
        return new S3BlobStore(client, bucket, spool);
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
