package dev.forge3d.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Requests per second per tenant: real HTTP against the Bucket4j buckets in the real PostgreSQL. */
class RateLimitTest extends LimitsTestBase {
    static final int RATE = 100;
    static final int BURST = 10;
    static final double SECONDS = 3;
    static final int CLIENT_THREADS = 6;

    @Test
    void aTenantSendingAsFastAsItCanGetsItsRateAndTheRestIs429WhileAnotherTenantIsNotLimited() throws Exception {
        Tenant noisy = tenant("noisy");
        limit(noisy, "requests_per_second", RATE);
        limit(noisy, "burst", BURST);
        Tenant quiet = tenant("quiet");
        String noisyJob = api.createTextJob(noisy.key(), "noisy cube").json().path("id").asString();
        String quietJob = api.createTextJob(quiet.key(), "quiet cube").json().path("id").asString();
        // The noisy tenant's create took a token; wait until its bucket is full again so the count starts at BURST.
        Thread.sleep(1000L * BURST / RATE + 200);

        ApiClient fast = api.unchecked();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        AtomicInteger refusedWithoutHeaders = new AtomicInteger();
        AtomicInteger quietOk = new AtomicInteger();
        AtomicInteger quietNotOk = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        // The window the server saw: from the first request sent to the last one sent (each sender records its
        // send times), so client start-up and the replies still in flight at the end do not count.
        AtomicLong firstSent = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastSent = new AtomicLong(Long.MIN_VALUE);
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS + 1)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                fs.add(pool.submit(() -> {
                    long sent;
                    while ((sent = System.nanoTime()) < end) {
                        firstSent.accumulateAndGet(sent, Math::min);
                        lastSent.accumulateAndGet(sent, Math::max);
                        var r = fast.get("/v1/jobs/" + noisyJob, noisy.key());
                        if (r.status() == 200) {
                            accepted.incrementAndGet();
                        } else if (r.status() == 429) {
                            refused.incrementAndGet();
                            if (r.header("Retry-After") == null || r.header("RateLimit") == null
                                    || r.header("RateLimit-Policy") == null
                                    || !r.header("Content-Type").startsWith("application/problem+json")
                                    || !r.problemType().equals("rate-limited")) {
                                refusedWithoutHeaders.incrementAndGet();
                            }
                        } else {
                            unexpected.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // Meanwhile the other tenant polls its job at a modest pace and is never refused.
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    var r = fast.get("/v1/jobs/" + quietJob, quiet.key());
                    (r.status() == 200 ? quietOk : quietNotOk).incrementAndGet();
                    Thread.sleep(5);
                }
                return null;
            }));
            for (Future<?> f : fs.subList(0, CLIENT_THREADS)) f.get();
            stop.set(true);
            fs.getLast().get();
        }
        double elapsed = (lastSent.get() - firstSent.get()) / 1e9;
        double expected = BURST + RATE * elapsed;
        System.out.printf("rate limit: %d accepted (expected %.1f = %d + %d/s x %.3f s), %d refused%n",
                accepted.get(), expected, BURST, RATE, elapsed, refused.get());

        assertThat(unexpected.get()).isZero();
        // The client must really have asked for more than the rate, or this proves nothing.
        assertThat(refused.get()).isGreaterThan(RATE);
        // Within 1 % of the rate over the run (plus the burst; +1 for the token in flight at the end).
        assertThat((double) accepted.get()).isBetween(expected - 0.01 * RATE * elapsed - 1,
                expected + 0.01 * RATE * elapsed + 1);
        assertThat(refusedWithoutHeaders.get()).isZero();
        assertThat(quietNotOk.get()).isZero();
        assertThat(quietOk.get()).isPositive();
    }

    @Test
    void aRefusalIsProblemJsonWithRetryAfterAndRateLimitHeaders() {
        Tenant t = tenant("one-per-second");
        limit(t, "requests_per_second", 1);
        limit(t, "burst", 1);

        var ok = api.get("/v1/jobs", t.key());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"tenant\";q=1;w=1");
        assertThat(ok.header("RateLimit")).isEqualTo("\"tenant\";r=0;t=1");
        assertThat(ok.header("Retry-After")).isNull();

        var refused = api.get("/v1/jobs", t.key());
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.problemType()).isEqualTo("rate-limited");
        assertThat(refused.json().path("status").asInt()).isEqualTo(429);
        assertThat(refused.json().path("title").asString()).isEqualTo("Too many requests");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"tenant\";q=1;w=1");
        assertThat(refused.header("RateLimit")).matches("\"tenant\";r=0;t=1");
    }

    @Test
    void successfulCallsCarryTheBucketStateAndTheDefaultsApplyWithoutAnOverride() {
        Tenant t = tenant("defaults");
        var r = api.get("/v1/jobs", t.key());
        assertThat(r.status()).isEqualTo(200);
        // The test context's defaults: 1,000,000 per second, burst 1,000,000.
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"tenant\";q=1000000;w=1");
        assertThat(r.header("RateLimit")).isEqualTo("\"tenant\";r=999999;t=1");
    }

    @Test
    void workerCallsAndHealthAreNotLimited() {
        var health = api.unchecked().get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("RateLimit")).isNull();
        var lease = api.lease("rate-test-worker", 0, 30);
        assertThat(lease.status()).isIn(200, 204);
        assertThat(lease.header("RateLimit")).isNull();
    }

    @Test
    void theLimitOfOneTenantNeverTouchesAnother() {
        Tenant limited = tenant("limited");
        limit(limited, "requests_per_second", 1);
        limit(limited, "burst", 1);
        Tenant other = tenant("other");
        assertThat(api.get("/v1/jobs", limited.key()).status()).isEqualTo(200);
        assertThat(api.get("/v1/jobs", limited.key()).status()).isEqualTo(429);
        for (int i = 0; i < 20; i++) assertThat(api.get("/v1/jobs", other.key()).status()).isEqualTo(200);
    }
}
