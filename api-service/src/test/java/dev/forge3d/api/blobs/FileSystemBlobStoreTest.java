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
}
