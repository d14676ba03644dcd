package dev.forge3d.api.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.worker.WorkerConfig;
import dev.forge3d.worker.WorkerNode;
import dev.forge3d.worker.pipeline.PipelineRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker node closed while its long poll waits must not leave the API holding a poll that can still lease a job:
 * such a lease reaches no one and the job sits RUNNING until the lease expires. A real worker node against the real
 * API and PostgreSQL over HTTP.
 */
class WorkerCloseDuringPollTest extends ApiTestBase {
    private static final String WORKER_ID = "closing-worker";
    private WorkerNode node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    @Test
    void aJobCreatedRightAfterCloseIsNotLeasedToTheClosedNodesPoll() throws Exception {
        drainQueue();
        String key = newTenantKey("close-poll");
        // A long poll (20 s) with long leases: a lost lease would keep the job RUNNING for 10 minutes.
        node = WorkerNode.start(WorkerConfig.builder(URI.create("http://127.0.0.1:" + port), WORKER_TOKEN)
                .workerId(WORKER_ID).workDir(Files.createTempDirectory("forge3d-close-poll-"))
                .leaseWaitSeconds(20).pipelines(PipelineRegistry.diagnostic())
                .shutdownGrace(Duration.ofSeconds(1)).build());
        Thread.sleep(1_000); // the node's poll is now waiting in the API

        long t0 = System.nanoTime();
        node.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - t0);
        node = null;
        // close() ends the poll at the API instead of waiting out its 20 s.
        assertThat(closing).isLessThan(Duration.ofSeconds(10));

        String jobId = api.createTextJob(key, "a small wooden chair").json().path("id").asString();
        Thread.sleep(1_500); // a poll still waiting is woken by the job's NOTIFY and claims at once
        Map<String, Object> row = jdbc.sql("select state, attempt, coalesce(worker_id, '') as worker_id from jobs "
                + "where id = cast(:id as uuid)").param("id", jobId).query().singleRow();
        assertThat(row.get("worker_id")).as("the job was leased by the closed node's abandoned poll: %s", row)
                .isNotEqualTo(WORKER_ID);
        assertThat(row).containsEntry("state", "QUEUED").containsEntry("attempt", 0);
    }
}
