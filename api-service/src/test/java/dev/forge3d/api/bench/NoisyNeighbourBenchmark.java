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
 * Per-tenant rate limits under a noisy neighbour. (1) A quiet tenant polls its job (open loop, fixed rate) for
 * 2 x {@code bench.seconds} while a noisy tenant, limited to {@code bench.noisyLimit} req/s and offering
 * {@code bench.noisyRate} req/s on {@code bench.noisyThreads} connections (0: as fast as they can, which on a small
 * machine measures CPU sharing with the load generator more than the limiter), is switched on and off every second,
 * so both halves share the machine's background load; reports the quiet tenant's p50/p99 in each half and the p99
 * ratio. (2) The noisy tenant on for {@code bench.seconds} after its burst is spent: its accepted count against
 * limit x seconds. {@code bench.rounds} rounds. Run with scripts/bench-rate-limit.sh.
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
            quietRun(client, quietPath, quiet.apiKey(), WARMUP_SECONDS, warm);
            warm.stop();
            List<double[]> allAlone = new ArrayList<>();
            List<double[]> allWith = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                // 1. Interleaved: the noisy tenant is switched on and off every second while the quiet tenant
                // polls throughout, so both halves see the same background load of the (shared) machine. The
                // first 200 ms after each switch count for neither half.
                Noise noise = Noise.start(port, noisyPath, noisy.apiKey(), NOISY_THREADS, NOISY_RATE);
                noise.active.set(false);
                Thread toggler = Thread.ofPlatform().name("noise-toggle").start(() -> {
                    try {
                        while (!noise.stop.get()) {
                            Thread.sleep(1000);
                            noise.active.set(!noise.active.get());
                            noise.switchedAt.set(System.nanoTime());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Phased phased = quietRun(client, quietPath, quiet.apiKey(), 2 * SECONDS, noise);
                noise.stop();
                toggler.join();
                // 2. Sustained: the noisy tenant on for SECONDS after its burst is spent; its accepted count.
                Noise sustained = Noise.start(port, noisyPath, noisy.apiKey(), NOISY_THREADS, NOISY_RATE);
                Thread.sleep(1500); // the burst (= the limit: one second of refill) is spent
                long from = sustained.accepted.get();
                long fromNanos = System.nanoTime();
                Thread.sleep(1000L * SECONDS);
                long accepted = sustained.accepted.get() - from;
                double noisySeconds = (System.nanoTime() - fromNanos) / 1e9;
                sustained.stop();
                assertThat(noise.errors.get() + sustained.errors.get()).isZero();
                double expected = NOISY_LIMIT * noisySeconds;
                double[] alone = phased.alone();
                double[] withNoise = phased.withNoise();
                allAlone.add(alone);
                allWith.add(withNoise);
                BenchReport.line("rate-limit", String.format("%s round %d: quiet tenant GET /v1/jobs/{id} at %d req/s "
                                + "for %d s, a noisy neighbour (limit %d req/s, offering %s on %d connections) switched "
                                + "on and off every second: quiet alone (%d requests) p50 %.2f ms p99 %.2f ms; with the "
                                + "neighbour (%d) p50 %.2f ms p99 %.2f ms; p99 ratio %.2f; quiet errors %d; noisy: %d "
                                + "refused, sustained %.2f s accepted %d vs limit x seconds %.0f (%+.2f %%); %d cores, "
                                + "load average %s",
                        java.time.Instant.now(), round, QUIET_RATE, 2 * SECONDS, NOISY_LIMIT,
                        NOISY_RATE <= 0 ? "as much as it can" : NOISY_RATE + " req/s", NOISY_THREADS,
                        alone.length, pct(alone, 50), pct(alone, 99), withNoise.length, pct(withNoise, 50),
                        pct(withNoise, 99), pct(withNoise, 99) / pct(alone, 99), phased.errors(),
                        noise.refused.get() + sustained.refused.get(), noisySeconds, accepted, expected,
                        100 * (accepted - expected) / expected, Runtime.getRuntime().availableProcessors(),
                        CpuMeter.loadAverage()));
            }
            double[] alone = concat(allAlone);
            double[] withNoise = concat(allWith);
            BenchReport.line("rate-limit", String.format("%s all %d rounds: quiet alone (%d requests) p50 %.2f ms p90 "
                            + "%.2f ms p99 %.2f ms; with the neighbour (%d) p50 %.2f ms p90 %.2f ms p99 %.2f ms; p99 "
                            + "ratio %.2f", java.time.Instant.now(), ROUNDS, alone.length, pct(alone, 50), pct(alone, 90),
                    pct(alone, 99), withNoise.length, pct(withNoise, 50), pct(withNoise, 90), pct(withNoise, 99),
                    pct(withNoise, 99) / pct(alone, 99)));
        }
    }

    private static double[] concat(List<double[]> parts) {
        return parts.stream().flatMapToDouble(Arrays::stream).toArray();
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
        /** Off: the connections idle. */
        final AtomicBoolean active = new AtomicBoolean(true);
        final AtomicLong switchedAt = new AtomicLong(System.nanoTime());
        final List<Thread> threads = new ArrayList<>();

        static Noise start(int port, String path, String key, int threads, int rate) {
            Noise n = new Noise();
            long interval = rate <= 0 ? 0 : 1_000_000_000L * threads / rate;
            for (int i = 0; i < threads; i++) {
                n.threads.add(Thread.ofPlatform().name("noisy-" + i).start(() -> {
                    try (RawHttp c = new RawHttp("127.0.0.1", port)) {
                        long next = System.nanoTime();
                        while (!n.stop.get()) {
                            if (!n.active.get()) {
                                LockSupport.parkNanos(1_000_000);
                                next = System.nanoTime();
                                continue;
                            }
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

    /** Quiet-tenant latencies split by whether the neighbour was on when each request was due. */
    record Phased(double[] alone, double[] withNoise, int errors) {}

    /** Open loop at QUIET_RATE: latency from each request's scheduled time. */
    private static Phased quietRun(RawHttp client, String path, String key, int seconds, Noise noise)
            throws Exception {
        int count = QUIET_RATE * seconds;
        double[] lat = new double[count];
        int[] phase = new int[count]; // 0 alone, 1 with the neighbour, -1 just after a switch (not counted)
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(count);
        long interval = 1_000_000_000L / QUIET_RATE;
        long start = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            phase[i] = System.nanoTime() - noise.switchedAt.get() < 200_000_000L ? -1 : noise.active.get() ? 1 : 0;
            int idx = i;
            Thread.ofVirtual().start(() -> {
                try {
                    if (client.send("GET", path, key, null).status() != 200) errors.incrementAndGet();
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    lat[idx] = (System.nanoTime() - scheduled) / 1e6;
                    finished.countDown();
                }
            });
        }
        finished.await();
        double[] alone = java.util.stream.IntStream.range(0, count).filter(i -> phase[i] == 0)
                .mapToDouble(i -> lat[i]).toArray();
        double[] with = java.util.stream.IntStream.range(0, count).filter(i -> phase[i] == 1)
                .mapToDouble(i -> lat[i]).toArray();
        return new Phased(alone, with, errors.get());
    }

    private static double pct(double[] v, double p) {
        double[] s = Arrays.stream(v).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
