package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.splat.train.TrainConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's training schedule: Inria's from 2000 iterations up, the 2000-iteration one scaled down below. */
class TrainScheduleTest {

    private static TrainConfig config(int iterations) {
        ObjectNode o = JsonMapper.builder().build().createObjectNode();
        o.put("preset", "standard");
        o.put("iterations", Integer.toString(iterations));
        return TrainStage.config(PhotoJobOptions.parse(o), 1);
    }

    /** The trainer's rule: a step at every multiple of the interval after densifyFrom and before half the run. */
    private static int densificationSteps(TrainConfig c) {
        int steps = 0;
        for (int it = 1; it < c.densifyUntilFraction * c.iterations; it++) {
            if (it > c.densifyFrom && it % c.densifyInterval == 0) steps++;
        }
        return steps;
    }

    @Test
    void longRunsGetInriasSchedule() {
        TrainConfig inria = new TrainConfig();
        for (int n : new int[] {2000, 7000, 30000}) {
            TrainConfig c = config(n);
            assertThat(c.densifyFrom).as("%d iterations", n).isEqualTo(inria.densifyFrom);
            assertThat(c.densifyInterval).as("%d iterations", n).isEqualTo(inria.densifyInterval);
        }
        assertThat(config(30000).shDegreeInterval).isEqualTo(inria.shDegreeInterval);
    }

    @Test
    void shortRunsDensifyAsOftenAsA2000IterationRunNotMore() {
        int reference = densificationSteps(config(2000));
        assertThat(reference).isEqualTo(4);
        for (int n : new int[] {200, 300, 600, 1000, 1500}) {
            TrainConfig c = config(n);
            assertThat(densificationSteps(c)).as("%d iterations", n).isEqualTo(reference);
            assertThat(c.densifyFrom).as("no densification before a quarter of the run").isGreaterThanOrEqualTo(n / 4);
        }
        assertThat(config(600).shDegreeInterval).isEqualTo(150);
    }

    @Test
    void initialPointsScaleWithShortRunsOnly() {
        assertThat(config(2000).initPoints).isEqualTo(100_000);
        assertThat(config(30000).initPoints).isEqualTo(100_000);
        assertThat(config(600).initPoints).isEqualTo(30_000);
        assertThat(config(100).initPoints).isEqualTo(10_000);
        assertThat(config(2000).randomPointsWithSfm).as("SfM results start from their own points").isZero();
        assertThat(config(2000).initAroundCameras).isTrue();
    }
}
