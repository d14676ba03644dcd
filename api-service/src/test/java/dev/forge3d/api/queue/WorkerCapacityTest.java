package dev.forge3d.api.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import dev.forge3d.api.workers.WorkerRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Jobs carry resource requirements from their options, and the claim gives a worker only the jobs its reported
 * capabilities meet; a job that no recently seen worker can run says so. Real PostgreSQL, real HTTP.
 */
class WorkerCapacityTest extends ApiTestBase {
    static final long GIB = 1L << 30;
    static final Map<String, Object> SMALL_CPU = Map.of("backend", "cpu", "threads", 2, "memoryBytes", GIB);
    static final Map<String, Object> BIG_CPU = Map.of("backend", "cpu", "threads", 16, "memoryBytes", 16 * GIB);
    static final Map<String, Object> GPU = Map.of("backend", "cuda", "threads", 8, "memoryBytes", 16 * GIB,
            "gpuName", "NVIDIA H100", "gpuMemoryBytes", 80 * GIB);

    @Autowired
    WorkerRegistry registry;
    String key;

    @BeforeEach
    void setUp() {
        drainQueue();
        // Workers other test classes reported must not count here.
        jdbc.sql("delete from workers").update();
        key = newTenantKey("capacity");
    }

    @Test
    void aSmallCpuWorkerLeavesBigAndGpuJobsToWorkersThatCanRunThem() {
        String high = photoJob(Map.of("preset", "high"));                 // older than the others: first in line
        String cuda = photoJob(Map.of("preset", "preview", "backend", "cuda"));
        String text = api.createTextJob(key, "a red cube").json().path("id").asString();

        JsonNode highReq = job(high).path("requirements");
        assertThat(highReq.path("requiresGpu").asBoolean()).isFalse();
        assertThat(highReq.path("minMemoryBytes").asLong()).isGreaterThan(2 * GIB);
        JsonNode cudaReq = job(cuda).path("requirements");
        assertThat(cudaReq.path("requiresGpu").asBoolean()).isTrue();
        assertThat(cudaReq.path("minMemoryBytes").asLong()).isLessThan(GIB);
        assertThat(job(text).path("requirements").path("minMemoryBytes").asLong()).isLessThan(GIB);

        // 1 GiB, no GPU: passes over the older high job and the GPU job, takes the text job, then nothing.
        String small = "small-" + UUID.randomUUID();
        assertThat(leasedJob(small, SMALL_CPU)).isEqualTo(text);
        assertThat(api.lease(small, 0, 30, SMALL_CPU).status()).isEqualTo(204);
        assertThat(job(high).path("state").asString()).isEqualTo("QUEUED");

        // 16 GiB, no GPU: the high job, never the GPU job.
        String big = "big-" + UUID.randomUUID();
        assertThat(leasedJob(big, BIG_CPU)).isEqualTo(high);
        assertThat(api.lease(big, 0, 30, BIG_CPU).status()).isEqualTo(204);
        assertThat(job(cuda).path("state").asString()).isEqualTo("QUEUED");

        // A CUDA worker takes the GPU job.
        assertThat(leasedJob("gpu-" + UUID.randomUUID(), GPU)).isEqualTo(cuda);
        JsonNode running = job(cuda);
        assertThat(running.path("state").asString()).isEqualTo("RUNNING");
        assertThat(running.path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void aWorkerThatReportsNoMemoryIsNotLimitedByIt() {
        String high = photoJob(Map.of("preset", "high"));
        String cuda = photoJob(Map.of("backend", "cuda"));
        String legacy = "legacy-" + UUID.randomUUID();
        Map<String, Object> cpuOnly = Map.of("backend", "cpu");
        assertThat(leasedJob(legacy, cpuOnly)).isEqualTo(high);
        assertThat(api.lease(legacy, 0, 30, cpuOnly).status()).isEqualTo(204);
        assertThat(job(cuda).path("state").asString()).isEqualTo("QUEUED");
    }

    @Test
    void aJobNoSeenWorkerCanRunSaysWhatItWaitsForUntilOneShowsUp() {
        String high = photoJob(Map.of("preset", "high"));
        String cuda = photoJob(Map.of("backend", "cuda"));
        String small = "small-" + UUID.randomUUID();
        assertThat(api.lease(small, 0, 30, SMALL_CPU).status()).isEqualTo(204);

        registry.checkQueuedJobs(); // what the API does every forge3d.workers.capacity.check-interval
        JsonNode waiting = job(high);
        assertThat(waiting.path("state").asString()).isEqualTo("QUEUED");
        assertThat(waiting.path("stage").asString()).isEqualTo(WorkerRegistry.WAITING_STAGE);
        double gib = waiting.path("requirements").path("minMemoryBytes").asLong() / (double) GIB;
        assertThat(waiting.path("message").asString())
                .startsWith("waiting for a worker that runs photos-to-splat with at least "
                        + String.format(java.util.Locale.ROOT, "%.1f", gib) + " GiB of memory:")
                .endsWith("none of the workers seen in the last 5 minutes does");
        assertThat(job(cuda).path("message").asString()).contains("and a CUDA GPU");
        // A second check changes nothing.
        String before = waiting.path("updatedAt").asString();
        registry.checkQueuedJobs();
        assertThat(job(high).path("updatedAt").asString()).isEqualTo(before);

        // A big CPU worker seen (e.g. by another API replica): the high job no longer waits in vain; the GPU job does.
        jdbc.sql("insert into workers (worker_id, backend, memory_bytes, gpu, job_types, last_seen_at) "
                + "values (:id, 'cpu', :mem, false, 'photos-to-splat', now())")
                .param("id", "big-" + UUID.randomUUID()).param("mem", 16 * GIB).update();
        registry.checkQueuedJobs();
        JsonNode cleared = job(high);
        assertThat(cleared.path("stage").isNull()).isTrue();
        assertThat(cleared.path("message").isNull()).isTrue();
        assertThat(job(cuda).path("stage").asString()).isEqualTo(WorkerRegistry.WAITING_STAGE);

        // A GPU worker (1 GiB of host memory: not enough for the high job) leases the waiting GPU job; stage and
        // message are the run's from then on.
        Map<String, Object> gpuSmallHost = Map.of("backend", "cuda", "memoryBytes", GIB, "gpuMemoryBytes", 24 * GIB);
        assertThat(leasedJob("gpu-" + UUID.randomUUID(), gpuSmallHost)).isEqualTo(cuda);
        JsonNode running = job(cuda);
        assertThat(running.path("state").asString()).isEqualTo("RUNNING");
        assertThat(running.path("stage").isNull()).isTrue();
        assertThat(running.path("message").isNull()).isTrue();
    }

    @Test
    void anUnknownBackendIsRefusedAtCreation() {
        var r = api.postMultipart(key, photoForm(Map.of("backend", "tpu")), Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("invalid-parameter");
        assertThat(r.json().path("detail").asString()).contains("'backend'").contains("tpu");
        var json = api.postJson("/v1/jobs", key, "{\"type\":\"text-to-3d\",\"prompt\":\"a cube\",\"backend\":\"cuda\"}");
        assertThat(json.status()).isEqualTo(202);
        assertThat(json.json().path("requirements").path("requiresGpu").asBoolean()).isTrue();
    }

    /** Small and big workers drain a mixed queue at once: every job leased once, none by a worker too small. */
    @Test
    void mixedWorkersDrainAMixedQueueExactlyOnce() throws Exception {
        ApiClient fast = api.unchecked();
        Set<String> bigJobs = ConcurrentHashMap.newKeySet();
        Set<String> all = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 6; i++) {
            String id = photoJob(Map.of("preset", "standard"));
            bigJobs.add(id);
            all.add(id);
        }
        for (int i = 0; i < 60; i++) all.add(fast.createTextJob(key, "job " + i).json().path("id").asString());

        Map<String, AtomicInteger> leases = new ConcurrentHashMap<>();
        Map<String, Set<String>> bySmall = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                boolean smallWorker = w < 4;
                String workerId = (smallWorker ? "small-" : "big-") + w + "-" + UUID.randomUUID();
                Map<String, Object> caps = smallWorker ? SMALL_CPU : BIG_CPU;
                fs.add(pool.submit(() -> {
                    while (true) {
                        var lease = fast.lease(workerId, 0, 120, caps);
                        if (lease.status() == 204) return null;
                        assertThat(lease.status()).isEqualTo(200);
                        String jobId = lease.json().path("jobId").asString();
                        leases.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
                        if (smallWorker) {
                            bySmall.computeIfAbsent(workerId, k -> ConcurrentHashMap.newKeySet()).add(jobId);
                        }
                        assertThat(fast.complete(jobId, lease.json().path("leaseToken").asLong()).status())
                                .isEqualTo(200);
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        assertThat(leases.keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(leases.values()).allMatch(c -> c.get() == 1);
        assertThat(bySmall.values().stream().flatMap(Set::stream)).doesNotContainAnyElementsOf(bigJobs);
    }

    private String leasedJob(String workerId, Map<String, Object> caps) {
        var r = api.lease(workerId, 0, 30, caps);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().path("jobId").asString();
    }

    private JsonNode job(String id) {
        return api.get("/v1/jobs/" + id, key).json();
    }

    private String photoJob(Map<String, String> options) {
        var r = api.postMultipart(key, photoForm(options), Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().path("id").asString();
    }

    private static Multipart photoForm(Map<String, String> options) {
        Multipart m = new Multipart().field("type", "photos-to-splat");
        new HashMap<>(options).forEach(m::field);
        return m.file("images", "a.jpg", "image/jpeg", TestImages.jpeg(1))
                .file("images", "b.jpg", "image/jpeg", TestImages.jpeg(2));
    }
}
