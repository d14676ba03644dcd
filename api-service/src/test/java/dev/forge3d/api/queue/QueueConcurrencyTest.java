package dev.forge3d.api.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 8 workers over HTTP drain 2,000 jobs: every job completed exactly once, none lost, none leased twice. */
class QueueConcurrencyTest extends ApiTestBase {
    static final int JOBS = 2000;
    static final int WORKERS = 8;

    @Test
    void eightWorkersDrainTwoThousandJobsExactlyOnce() throws Exception {
        drainQueue();
        String key = newTenantKey("drain");
        ApiClient fast = api.unchecked();
        Set<String> created = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < JOBS / 8; i++) {
                        var r = fast.createTextJob(key, "job " + i);
                        assertThat(r.status()).isEqualTo(202);
                        created.add(r.json().path("id").asString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        assertThat(created).hasSize(JOBS);

        Map<String, AtomicInteger> leases = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        Set<Long> tokens = ConcurrentHashMap.newKeySet();
        AtomicInteger staleRefusals = new AtomicInteger();
        try (ExecutorService workers = Executors.newFixedThreadPool(WORKERS)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                String workerId = "drain-" + w;
                fs.add(workers.submit(() -> {
                    while (true) {
                        var lease = fast.lease(workerId, 0, 120);
                        if (lease.status() == 204) return null;
                        assertThat(lease.status()).isEqualTo(200);
                        String jobId = lease.json().path("jobId").asString();
                        long token = lease.json().path("leaseToken").asLong();
                        assertThat(tokens.add(token)).as("fencing tokens are unique").isTrue();
                        leases.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
                        var done = fast.complete(jobId, token);
                        if (done.status() == 200) {
                            completions.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            staleRefusals.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        }

        assertThat(staleRefusals.get()).isZero();
        assertThat(completions.keySet()).containsExactlyInAnyOrderElementsOf(created);
        assertThat(completions.values()).allMatch(c -> c.get() == 1);
        assertThat(leases.values()).allMatch(c -> c.get() == 1);
        long succeeded = jdbc.sql("select count(*) from jobs where id = any(:ids) and state = 'SUCCEEDED' "
                        + "and attempt = 1")
                .param("ids", created.stream().map(UUID::fromString).toArray(UUID[]::new))
                .query(Long.class).single();
        assertThat(succeeded).isEqualTo(JOBS);
    }
}
