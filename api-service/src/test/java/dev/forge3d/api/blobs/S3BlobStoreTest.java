package dev.forge3d.api.blobs;

import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 blob store against a real S3-compatible server running in-process (S3Proxy, AWS SigV4 auth). */
class S3BlobStoreTest extends BlobStoreContract {
    static S3Proxy proxy;
    static S3Client client;
    static S3BlobStore store;
    @TempDir
    static Path spool;

    @BeforeAll
    static void startServer() throws Exception {
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
        client.createBucket(b -> b.bucket("forge3d-test"));
        store = new S3BlobStore(client, "forge3d-test", spool);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (client != null) client.close();
        if (proxy != null) proxy.stop();
    }

    @Override
    BlobStore store() {
        return store;
    }
}
