package dev.forge3d.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant rate limits under a noisy neighbour: a quiet tenant polls its job (open loop, fixed rate) alone, then
 * while a noisy tenant limited to {@code bench.noisyLimit} req/s offers {@code bench.noisyRate} req/s on
 * {@code bench.noisyThreads} connections (0: as fast as they can; on a small machine that measures CPU sharing with
 * the load generator more than the limiter). Reports the quiet tenant's p50/p99 in both phases and their ratio, and how close the noisy
 * tenant's accepted count is to its limit x seconds. Phases alternate for {@code bench.rounds} rounds.
 * Run with scripts/bench-rate-limit.sh.
 */
@Tag("benchmark")
class NoisyNeighbourBenchmark extends ApiTestBase {
    static final int QUIET_RATE = Integer.getInteger("bench.quietRate", 100);
    static final int NOISY_LIMIT = Integer.getInteger("bench.noisyLimit", 100);
    static final int NOISY_THREADS = Integer.getInteger("bench.noisyThreads", 4);
    /** Requests per second the noisy tenant offers over all its connections; 0: as fast as they can. */
    static final int NOISY_RATE = Integer.getInteger("bench.noisyRate", 1000);
    static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 5);

    @Test
    void quietTenantLatencyWithAndWithoutANoisyNeighbour() throws Exception {
        drainQueue();
        var quiet = tenants.createTenant("bench-quiet-" + java.util.UUID.randomUUID());
        var noisy = tenants.createTenant("bench-noisy-" + java.util.UUID.randomUUID());
        // Realistic limits: the quiet tenant's is never reached; the noisy tenant's is far below what it asks.
        override(quiet.tenantId(), 1000, 1000);
        override(noisy.tenantId(), NOISY_LIMIT, NOISY_LIMIT);
        String quietJob = api.createTextJob(quiet.apiKey(), "quiet").json().path("id").asString();
        String noisyJob = api.createTextJob(noisy.apiKey(), "noisy").json().path("id").asString();
        String quietPath = "/v1/jobs/" + quietJob;
        String noisyPath = "/v1/jobs/" + noisyJob;

        try (RawHttp client = new RawHttp("127.0.0.1", port)) {
            Noise warm = Noise.start(port, noisyPath, noisy.apiKey(), NOISY_THREADS, NOISY_RATE);
            quietRun(client, quietPath, quiet.apiKey(), WARMUP_SECONDS);
            warm.stop();
            for (int round = 1; round <= ROUNDS; round++) {
                Thread.sleep(1000);
                double[] alone = quietRun(client, quietPath, quiet.apiKey(), SECONDS);
                Thread.sleep(1000);
                Noise noise = Noise.start(port, noisyPath, noisy.apiKey(), NOISY_THREADS, NOISY_RATE);
                Thread.sleep(1500); // past the noisy tenant's burst
                long from = noise.accepted.get();
                long fromNanos = System.nanoTime();
                double[] withNoise = quietRun(client, quietPath, quiet.apiKey(), SECONDS);
                long accepted = noise.accepted.get() - from;
                double noisySeconds = (System.nanoTime() - fromNanos) / 1e9;
                long refused = noise.refused.get();
                noise.stop();
                assertThat(noise.errors.get()).isZero();
                double expected = NOISY_LIMIT * noisySeconds;
                BenchReport.line("rate-limit", String.format("%s round %d: quiet tenant GET /v1/jobs/{id} at %d req/s "
                                + "for %d s: alone p50 %.2f ms p99 %.2f ms; with a noisy neighbour (limit %d req/s, offering %s "
                                + "on %d connections, %d refused in all) p50 %.2f ms p99 %.2f ms; p99 ratio "
                                + "%.2f; quiet errors %d/%d; noisy accepted %d in %.2f s vs limit x seconds %.0f (%+.2f %%); "
                                + "%d cores, load average %s",
                        java.time.Instant.now(), round, QUIET_RATE, SECONDS, pct(alone, 50), pct(alone, 99),
                        NOISY_LIMIT, NOISY_RATE <= 0 ? "as much as it can" : NOISY_RATE + " req/s", NOISY_THREADS,
                        refused, pct(withNoise, 50), pct(withNoise, 99),
                        pct(withNoise, 99) / pct(alone, 99), errors(alone) + errors(withNoise),
                        alone.length + withNoise.length, accepted, noisySeconds, expected,
                        100 * (accepted - expected) / expected, Runtime.getRuntime().availableProcessors(),
                        CpuMeter.loadAverage()));
            }
        }
    }

    private void override(java.util.UUID tenant, long rate, long burst) {
        jdbc.sql("insert into tenant_limits (tenant_id, requests_per_second, burst) values (:t, :r, :b)")
                .param("t", tenant).param("r", rate).param("b", burst).update();
    }

    /** The noisy tenant: closed loop on {@code threads} connections until stopped. */
    private static final class Noise {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        static Noise start(int port, String path, String key, int threads, int rate) {
            Noise n = new Noise();
            long interval = rate <= 0 ? 0 : 1_000_000_000L * threads / rate;
            for (int i = 0; i < threads; i++) {
                n.threads.add(Thread.ofPlatform().name("noisy-" + i).start(() -> {
                    try (RawHttp c = new RawHttp("127.0.0.1", port)) {
                        long next = System.nanoTime();
                        while (!n.stop.get()) {
                            if (interval > 0) {
                                // Paced: the next request at its slot, at once when behind (never a catch-up burst).
                                long wait = next - System.nanoTime();
                                if (wait > 0) LockSupport.parkNanos(wait);
                                next = Math.max(next + interval, System.nanoTime());
                            }
                            int s = c.send("GET", path, key, null).status();
                            if (s == 200) n.accepted.incrementAndGet();
                            else if (s == 429) n.refused.incrementAndGet();
                            else n.errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        n.errors.incrementAndGet();
                    }
                }));
            }
            return n;
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) t.join();
        }
    }

    /** Open loop at QUIET_RATE: latency from each request's scheduled time (NaN for a non-200). */
    private static double[] quietRun(RawHttp client, String path, String key, int seconds) throws Exception {
        int count = QUIET_RATE * seconds;
        double[] lat = new double[count];
        CountDownLatch finished = new CountDownLatch(count);
        long interval = 1_000_000_000L / QUIET_RATE;
        long start = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            int idx = i;
            Thread.ofVirtual().start(() -> {
                boolean ok = false;
                try {
                    ok = client.send("GET", path, key, null).status() == 200;
                } catch (Exception e) {
                    ok = false;
                } finally {
                    lat[idx] = ok ? (System.nanoTime() - scheduled) / 1e6 : Double.NaN;
                    finished.countDown();
                }
            });
        }
        finished.await();
        return lat;
    }

    private static int errors(double[] v) {
        return (int) Arrays.stream(v).filter(Double::isNaN).count();
    }

    private static double pct(double[] v, double p) {
        double[] s = Arrays.stream(v).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
