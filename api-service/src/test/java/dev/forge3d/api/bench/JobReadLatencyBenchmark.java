package dev.forge3d.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/jobs/{id}} latency at a fixed offered rate (open loop: each request is sent at its scheduled time
 * whatever the previous ones did, and its latency counts from that time, so queueing is not hidden). Bounded in
 * count and time, against 127.0.0.1 only. Run: scripts/bench-latency.sh.
 */
@Tag("benchmark")
class JobReadLatencyBenchmark extends ApiTestBase {
    static final int RATE = Integer.getInteger("bench.rate", 2000);
    static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 5);
    /** At most this many requests in flight (connections); later ones wait, and their wait counts as latency. */
    static final int MAX_IN_FLIGHT = Integer.getInteger("bench.maxInFlight", 64);

    @Test
    void getJobLatencyAtFixedRate() throws Exception {
        drainQueue();
        String key = newTenantKey("latency");
        String jobId = api.createTextJob(key, "a red cube").json().path("id").asString();
        long token = api.lease("bench", 0, 600).json().path("leaseToken").asLong();
        api.heartbeat(jobId, token, "train", 0.5);
        RawHttp client = new RawHttp("127.0.0.1", port);
        String path = "/v1/jobs/" + jobId;
        assertThat(client.send("GET", path, key, null).status()).isEqualTo(200);

        run(client, path, key, RATE, WARMUP_SECONDS, false);
        // CPU time of this JVM (server and load generator together) and GC pauses during the measured run: less
        // sensitive than the percentiles to other processes on the machine, so changes can be compared.
        CpuMeter cpu = new CpuMeter(dev.forge3d.api.support.TestDatabase.get().kind().equals("embedded")
                ? jdbc.sql("select pg_backend_pid()").query(Long.class).single() : -1);
        CpuMeter.Sample cpu0 = cpu.sample();
        long[] gc0 = gcCountAndMillis();
        Result r = run(client, path, key, RATE, SECONDS, true);
        CpuMeter.Sample used = cpu.sample().minus(cpu0);
        long[] gc1 = gcCountAndMillis();
        BenchReport.line("latency", String.format("%s: GET /v1/jobs/{id} (RUNNING job), offered %d req/s for %d s "
                        + "(%d requests, <= %d in flight, %d cores): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d, "
                        + "achieved %.0f req/s; CPU per request: %s (JVM: server + client); GC %d collections %d ms; "
                        + "load average %s",
                java.time.Instant.now(), RATE, SECONDS, r.latenciesMs.length, MAX_IN_FLIGHT, Runtime.getRuntime().availableProcessors(),
                pct(r.latenciesMs, 50), pct(r.latenciesMs, 90), pct(r.latenciesMs, 99), pct(r.latenciesMs, 100),
                r.errors, r.latenciesMs.length / r.seconds, used.perOperation(r.latenciesMs.length),
                gc1[0] - gc0[0], gc1[1] - gc0[1], CpuMeter.loadAverage()));
    }

    record Result(double[] latenciesMs, int errors, double seconds) {}

    private Result run(RawHttp client, String path, String key, int rate, int seconds, boolean record)
            throws Exception {
        int count = rate * seconds;
        double[] lat = new double[count];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(count);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * intervalNanos;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            int idx = i;
            Thread.ofVirtual().start(() -> {
                try {
                    inFlight.acquire();
                    try {
                        if (client.send("GET", path, key, null).status() != 200) errors.incrementAndGet();
                    } finally {
                        inFlight.release();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    lat[idx] = (System.nanoTime() - scheduled) / 1e6;
                    finished.countDown();
                }
            });
        }
        finished.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(record ? lat : new double[0], errors.get(), elapsed);
    }

    /** Collections and their accumulated time; for ZGC the "Pauses" collectors only. */
    static long[] gcCountAndMillis() {
        long n = 0, ms = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().startsWith("ZGC") && !gc.getName().endsWith("Pauses")) continue;
            n += gc.getCollectionCount();
            ms += gc.getCollectionTime();
        }
        return new long[] {n, ms};
    }

    private static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
