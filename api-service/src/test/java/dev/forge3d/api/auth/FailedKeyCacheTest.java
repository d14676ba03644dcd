package dev.forge3d.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailedKeyCacheTest {

    @Test
    void aMissIsRememberedForTheTtlOnly() throws InterruptedException {
        FailedKeyCache cache = new FailedKeyCache(Duration.ofMillis(150), 10);
        cache.remember("h1");
        assertThat(cache.failedRecently("h1")).isTrue();
        assertThat(cache.failedRecently("h2")).isFalse();
        Thread.sleep(200);
        assertThat(cache.failedRecently("h1")).isFalse();
        assertThat(cache.size()).as("an expired entry is dropped when read").isZero();
    }

    @Test
    void forgetClearsAMissAtOnce() {
        FailedKeyCache cache = new FailedKeyCache(Duration.ofMinutes(1), 10);
        cache.remember("h1");
        cache.forget("h1");
        assertThat(cache.failedRecently("h1")).isFalse();
    }

    @Test
    void theCacheIsBoundedAndMakesRoomOnceEntriesExpire() throws InterruptedException {
        FailedKeyCache cache = new FailedKeyCache(Duration.ofMillis(100), 3);
        for (int i = 0; i < 10; i++) cache.remember("h" + i);
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.failedRecently("h9")).as("not remembered while full").isFalse();
        Thread.sleep(1100); // expired, and the once-a-second purge is due
        cache.remember("late");
        assertThat(cache.failedRecently("late")).isTrue();
        assertThat(cache.size()).isEqualTo(1);
    }
}
