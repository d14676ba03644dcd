package dev.forge3d.api.blobs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;
    FileSystemBlobStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = new FileSystemBlobStore(dir.resolve("blobs"));
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void keysCannotEscapeTheRoot() {
        assertThatThrownBy(() -> store.put("../outside", new ByteArrayInputStream(new byte[1]), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCrashedPutsTemporaryFileIsNotListedAndIsRemovedOnceOld() throws IOException {
        store.put("jobs/j/inputs/a.jpg", new ByteArrayInputStream(new byte[3]), null);
        Path dirOfKey = store.root().resolve("jobs/j/inputs");
        Path crashed = java.nio.file.Files.writeString(dirOfKey.resolve(".upload-123.tmp"), "partial");
        java.nio.file.Files.setLastModifiedTime(crashed,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
        Path fresh = java.nio.file.Files.writeString(dirOfKey.resolve(".upload-456.tmp"), "writing now");

        org.assertj.core.api.Assertions.assertThat(store.list("jobs/")).extracting(BlobStore.Entry::key)
                .containsExactly("jobs/j/inputs/a.jpg");
        org.assertj.core.api.Assertions.assertThat(
                store.deleteAbandonedWrites(java.time.Instant.now().minusSeconds(3600))).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(crashed).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(fresh).exists();
    }
}
