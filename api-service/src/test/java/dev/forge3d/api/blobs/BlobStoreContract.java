package dev.forge3d.api.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} must do; run against the filesystem store and a real S3-compatible server. */
abstract class BlobStoreContract {
    abstract BlobStore store();

    @Test
    void putThenReadWholeAndRanges() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        assertThat(store().put("jobs/a/inputs/images/x.jpg", new ByteArrayInputStream(data), "image/jpeg"))
                .isEqualTo(data.length);
        assertThat(store().size("jobs/a/inputs/images/x.jpg")).hasValue(data.length);
        try (InputStream in = store().open("jobs/a/inputs/images/x.jpg")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        try (InputStream in = store().open("jobs/a/inputs/images/x.jpg", 1000, 500)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1500));
        }
        try (InputStream in = store().open("jobs/a/inputs/images/x.jpg", 299_990, -1)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 299_990, 300_000));
        }
    }

    @Test
    void putReplacesAndEmptyBlobsWork() throws IOException {
        store().put("k/one", new ByteArrayInputStream("first".getBytes()), null);
        store().put("k/one", new ByteArrayInputStream("second!".getBytes()), null);
        try (InputStream in = store().open("k/one")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("second!");
        }
        store().put("k/empty", InputStream.nullInputStream(), null);
        assertThat(store().size("k/empty")).hasValue(0);
    }

    @Test
    void missingBlobs() throws IOException {
        assertThat(store().size("nope/nothing")).isEmpty();
        assertThatThrownBy(() -> store().open("nope/nothing").close()).isInstanceOf(BlobNotFoundException.class);
        store().delete("nope/nothing");
    }

    @Test
    void deletePrefixRemovesOnlyThatPrefix() throws IOException {
        for (String k : new String[] {"jobs/p1/a", "jobs/p1/sub/b", "jobs/p10/c", "jobs/p2/d"}) {
            store().put(k, new ByteArrayInputStream(k.getBytes()), null);
        }
        store().deletePrefix("jobs/p1/");
        assertThat(store().size("jobs/p1/a")).isEmpty();
        assertThat(store().size("jobs/p1/sub/b")).isEmpty();
        assertThat(store().size("jobs/p10/c")).isPresent();
        assertThat(store().size("jobs/p2/d")).isPresent();
        store().delete("jobs/p2/d");
        assertThat(store().size("jobs/p2/d")).isEmpty();
    }

    @Test
    void failedPutLeavesNoPartialBlob() throws IOException {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 10_000) throw new IOException("client went away");
                return 1;
            }
        };
        assertThatThrownBy(() -> store().put("partial/blob", failing, null)).isInstanceOf(IOException.class);
        assertThat(store().size("partial/blob")).isEmpty();
    }

    @Test
    void listGivesEveryKeyUnderAPrefixWithItsModificationTime() throws IOException {
        java.time.Instant before = java.time.Instant.now().minusSeconds(5);
        for (String k : new String[] {"list/j1/a", "list/j1/sub/b", "list/j10/c", "list/j2/d"}) {
            store().put(k, new ByteArrayInputStream(k.getBytes()), null);
        }
        var entries = store().list("list/j1/");
        assertThat(entries).extracting(BlobStore.Entry::key)
                .containsExactlyInAnyOrder("list/j1/a", "list/j1/sub/b");
        assertThat(entries).allSatisfy(e -> assertThat(e.lastModified())
                .isAfter(before).isBefore(java.time.Instant.now().plusSeconds(5)));
        // A prefix that ends mid-name matches like a string prefix.
        assertThat(store().list("list/j1")).extracting(BlobStore.Entry::key)
                .containsExactlyInAnyOrder("list/j1/a", "list/j1/sub/b", "list/j10/c");
        assertThat(store().list("list/")).hasSize(4);
        assertThat(store().list("nothing-here/")).isEmpty();
        store().deletePrefix("list/");
        assertThat(store().list("list/")).isEmpty();
    }

    @Test
    void abandonedWritesOlderThanTheCutoffAreRemovedAndNeverListed() throws IOException {
        store().put("aw/x", new ByteArrayInputStream("x".getBytes()), null);
        // Nothing abandoned here: the finished blob stays, whatever the cutoff.
        store().deleteAbandonedWrites(java.time.Instant.now().plusSeconds(60));
        assertThat(store().size("aw/x")).hasValue(1);
        assertThat(store().list("aw/")).extracting(BlobStore.Entry::key).containsExactly("aw/x");
    }
}
