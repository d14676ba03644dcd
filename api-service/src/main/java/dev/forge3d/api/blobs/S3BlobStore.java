package dev.forge3d.api.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, ...). A put spools to a local temporary file first, so the
 * upload has a known length (S3 needs one) and the request stream is never held in memory; S3 makes the object
 * visible only once the upload is complete.
 */
public class S3BlobStore implements BlobStore {
    private final S3Client s3;
    private final String bucket;
    private final Path spoolDir;

    public S3BlobStore(S3Client s3, String bucket, Path spoolDir) throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.spoolDir = Files.createDirectories(spoolDir);
    }

    @Override
    public long put(String key, InputStream content, String contentType) throws IOException {
        Path tmp = Files.createTempFile(spoolDir, "s3-", ".part");
        try {
            long n;
            try (var out = Files.newOutputStream(tmp)) {
                n = content.transferTo(out);
            }
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key)
                    .contentType(contentType == null ? "application/octet-stream" : contentType)
                    .contentLength(n).build(), RequestBody.fromFile(tmp));
            return n;
        } catch (S3Exception e) {
            throw new IOException("S3 put " + key + " failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public OptionalLong size(String key) throws IOException {
        try {
            return OptionalLong.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return OptionalLong.empty();
            throw new IOException("S3 head " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key);
        if (length == 0) {
            if (size(key).isEmpty()) throw new BlobNotFoundException(key);
            return InputStream.nullInputStream();
        }
        if (offset > 0 || length > 0) {
            req.range("bytes=" + offset + "-" + (length > 0 ? String.valueOf(offset + length - 1) : ""));
        }
        try {
            return s3.getObject(req.build());
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) throw new BlobNotFoundException(key);
            throw new IOException("S3 get " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            throw new IOException("S3 delete " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (S3Object o : page.contents()) ids.add(ObjectIdentifier.builder().key(o.key()).build());
                if (!ids.isEmpty()) {
                    s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                            .delete(Delete.builder().objects(ids).quiet(true).build()).build());
                }
            }
        } catch (S3Exception e) {
            throw new IOException("S3 delete prefix " + prefix + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void list(String prefix, Consumer<Entry> each) throws IOException {
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
                for (S3Object o : page.contents()) each.accept(new Entry(o.key(), o.lastModified()));
            }
        } catch (S3Exception e) {
            throw new IOException("S3 list " + prefix + " failed: " + e.getMessage(), e);
        }
    }
}
