package dev.forge3d.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lease+complete throughput through the HTTP worker protocol with N concurrent workers, against a raw-SQL baseline
 * (the same SKIP LOCKED claim that bumps the fencing token, then the same fenced complete, over plain JDBC) on the
 * same database in the same run. Durable commits (synchronous_commit stays on). Run: scripts/bench-queue.sh.
 */
@Tag("benchmark")
class QueueThroughputBenchmark extends ApiTestBase {
    static final int JOBS = Integer.getInteger("bench.jobs", 3000);
    static final int WORKERS = Integer.getInteger("bench.workers", 8);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

    static final String CLAIM = """
            with next as (
                select id from jobs
                 where state = 'QUEUED' and type = any(string_to_array(?, ','))
                 order by priority desc, created_at, id
                 limit 1
                 for update skip locked)
            update jobs j
               set state = 'RUNNING', attempt = j.attempt + 1, lease_token = nextval('lease_tokens'),
                   lease_seconds = 60, lease_expires_at = now() + make_interval(secs => 60), worker_id = ?,
                   started_at = coalesce(j.started_at, now()), updated_at = now()
              from next
             where j.id = next.id
            returning j.id, j.lease_token""";
    static final String COMPLETE = """
            update jobs
               set state = 'SUCCEEDED', published_attempt = attempt, progress = 1, lease_expires_at = null,
                   finished_at = now(), updated_at = now()
             where id = ? and state = 'RUNNING' and lease_token = ? and lease_expires_at > now()""";

    @Test
    void httpWorkerProtocolVersusRawSql() throws Exception {
        assertThat(jdbc.sql("show synchronous_commit").query(String.class).single()).isEqualTo("on");
        drainQueue();
        UUID tenant = tenants.createTenant("bench").tenantId();
        RawHttp http = new RawHttp("127.0.0.1", port);
        double rawTotal = 0;
        double httpTotal = 0;
        double chainedTotal = 0;
        BenchReport.line("queue", String.format("%s: %d jobs per run, %d workers, %d cores, database %s, load average %s",
                java.time.Instant.now(), JOBS, WORKERS, Runtime.getRuntime().availableProcessors(),
                TestDatabase.get().kind(), CpuMeter.loadAverage()));
        cpu = new CpuMeter(TestDatabase.get().kind().contains("embedded")
                ? jdbc.sql("select pg_backend_pid()").query(Long.class).single() : -1);
        // Warm-up (JIT compilation of both paths, connection pools), not counted.
        for (int i = 0; i < 3; i++) {
            seed(tenant, 1500);
            runHttp(http, WORKERS);
            seed(tenant, 1500);
            runRaw(WORKERS);
            seed(tenant, 1500);
            runHttpChained(http, WORKERS);
        }
        CpuMeter.Sample rawCpu = new CpuMeter.Sample(0, 0), httpCpu = rawCpu, chainedCpu = rawCpu;
        for (int round = 1; round <= ROUNDS; round++) {
            seed(tenant, JOBS);
            CpuMeter.Sample c0 = cpu.sample();
            double raw = runRaw(WORKERS);
            CpuMeter.Sample c1 = cpu.sample();
            seed(tenant, JOBS);
            CpuMeter.Sample c2 = cpu.sample();
            double viaHttp = runHttp(http, WORKERS);
            CpuMeter.Sample c3 = cpu.sample();
            seed(tenant, JOBS);
            CpuMeter.Sample c4 = cpu.sample();
            double chained = runHttpChained(http, WORKERS);
            CpuMeter.Sample c5 = cpu.sample();
            rawCpu = add(rawCpu, c1.minus(c0));
            httpCpu = add(httpCpu, c3.minus(c2));
            chainedCpu = add(chainedCpu, c5.minus(c4));
            rawTotal += raw;
            httpTotal += viaHttp;
            chainedTotal += chained;
            BenchReport.line("queue", String.format("round %d: raw SQL %.0f pairs/s | HTTP lease+complete %.0f pairs/s "
                    + "(%.0f%%) | HTTP complete-with-next %.0f pairs/s (%.0f%%)", round, raw, viaHttp,
                    100 * viaHttp / raw, chained, 100 * chained / raw));
        }
        BenchReport.line("queue", String.format("mean: raw SQL %.0f pairs/s; HTTP lease+complete %.0f pairs/s = %.0f%%; "
                + "HTTP complete-with-next %.0f pairs/s = %.0f%% of raw (target >= 70%%)", rawTotal / ROUNDS,
                httpTotal / ROUNDS, 100 * httpTotal / rawTotal, chainedTotal / ROUNDS, 100 * chainedTotal / rawTotal));
        long pairs = (long) JOBS * ROUNDS;
        BenchReport.line("queue", String.format("CPU per pair: raw SQL %s | HTTP lease+complete %s | HTTP "
                + "complete-with-next %s; load average %s", rawCpu.perOperation(pairs), httpCpu.perOperation(pairs),
                chainedCpu.perOperation(pairs), CpuMeter.loadAverage()));
    }

    private CpuMeter cpu;

    private static CpuMeter.Sample add(CpuMeter.Sample a, CpuMeter.Sample b) {
        return new CpuMeter.Sample(a.jvmNanos() + b.jvmNanos(),
                a.postgresNanos() < 0 || b.postgresNanos() < 0 ? -1 : a.postgresNanos() + b.postgresNanos());
    }

    private void seed(UUID tenant, int n) {
        jdbc.sql("""
                insert into jobs (id, tenant_id, type, state, params, max_attempts, created_at, updated_at)
                select gen_random_uuid(), :tenant, 'text-to-3d', 'QUEUED', '{"prompt":"bench"}', 3,
                       clock_timestamp(), clock_timestamp()
                  from generate_series(1, :n)""").param("tenant", tenant).param("n", n).update();
        jdbc.sql("analyze jobs").update();
    }

    /** Returns lease+complete pairs per second. */
    private double runRaw(int workers) throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String worker = "raw-" + w;
                fs.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
                            PreparedStatement claim = c.prepareStatement(CLAIM);
                            PreparedStatement complete = c.prepareStatement(COMPLETE)) {
                        while (true) {
                            claim.setString(1, "photos-to-splat,text-to-3d");
                            claim.setString(2, worker);
                            UUID id;
                            long token;
                            try (ResultSet rs = claim.executeQuery()) {
                                if (!rs.next()) return null;
                                id = rs.getObject(1, UUID.class);
                                token = rs.getLong(2);
                            }
                            complete.setObject(1, id);
                            complete.setLong(2, token);
                            if (complete.executeUpdate() != 1) throw new IllegalStateException("fenced complete failed");
                            done.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private double runHttp(RawHttp http, int workers) throws Exception {
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String worker = "http-" + w;
                fs.add(pool.submit(() -> {
                    String leaseBody = "{\"workerId\":\"" + worker + "\",\"capabilities\":{\"backend\":\"cpu\"},"
                            + "\"jobTypes\":[\"photos-to-splat\",\"text-to-3d\"],\"waitSeconds\":0,\"leaseSeconds\":60}";
                    while (true) {
                        var lease = http.send("POST", "/v1/worker/lease", WORKER_TOKEN, leaseBody);
                        if (lease.status() == 204) return null;
                        if (lease.status() != 200) throw new IllegalStateException("lease: " + lease.text());
                        var json = ApiClient.JSON.readTree(lease.body());
                        var r = http.send("POST", "/v1/worker/jobs/" + json.path("jobId").asString() + "/complete",
                                WORKER_TOKEN, "{\"leaseToken\":" + json.path("leaseToken").asLong() + "}");
                        if (r.status() != 200) throw new IllegalStateException("complete: " + r.text());
                        done.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The same work with one call per job: complete carries the next lease request. */
    private double runHttpChained(RawHttp http, int workers) throws Exception {
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String worker = "chain-" + w;
                fs.add(pool.submit(() -> {
                    String leaseBody = "{\"workerId\":\"" + worker + "\",\"capabilities\":{\"backend\":\"cpu\"},"
                            + "\"jobTypes\":[\"photos-to-splat\",\"text-to-3d\"],\"waitSeconds\":0,\"leaseSeconds\":60}";
                    var lease = http.send("POST", "/v1/worker/lease", WORKER_TOKEN, leaseBody);
                    if (lease.status() == 204) return null;
                    var json = ApiClient.JSON.readTree(lease.body());
                    while (json != null && !json.isNull()) {
                        var r = http.send("POST", "/v1/worker/jobs/" + json.path("jobId").asString() + "/complete",
                                WORKER_TOKEN, "{\"leaseToken\":" + json.path("leaseToken").asLong() + ",\"next\":"
                                        + leaseBody + "}");
                        if (r.status() != 200) throw new IllegalStateException("complete: " + r.text());
                        done.incrementAndGet();
                        json = ApiClient.JSON.readTree(r.body()).path("next");
                        if (json.isMissingNode()) json = null;
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }
}
