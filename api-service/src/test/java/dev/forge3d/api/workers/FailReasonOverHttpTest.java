package dev.forge3d.api.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import org.junit.jupiter.api.Test;

/** A worker's failure reason reaches the client without class names, stack frames or absolute paths. */
class FailReasonOverHttpTest extends ApiTestBase {

    @Test
    void theJobsErrorDetailIsTheCleanedReason() {
        drainQueue();
        String key = newTenantKey("fail-reason");
        String id = api.createTextJob(key, "a failing job").json().path("id").asString();
        long token = api.lease("w", 0, 30).json().path("leaseToken").asLong();
        String trace = "java.lang.IllegalStateException: cannot read /home/worker/.forge3d/worker/jobs/" + id
                + "/mesh.ply\n\tat dev.forge3d.worker.pipeline.Mesher.run(Mesher.java:88)\n\t... 3 more";

        var r = api.fail(id, token, trace, false);
        assertThat(r.json().path("state").asString()).isEqualTo("FAILED");

        String detail = api.get("/v1/jobs/" + id, key).json().path("error").path("detail").asString();
        assertThat(detail).isEqualTo("cannot read mesh.ply");
    }
}
