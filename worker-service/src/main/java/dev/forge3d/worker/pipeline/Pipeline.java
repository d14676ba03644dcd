package dev.forge3d.worker.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ordered stages of one job type, each with a weight: its expected share of the job's time, used to turn a
 * stage's own progress into the job's overall progress and ETA (e.g. ingest 5, sfm 20, train 70, export 5).
 */
public record Pipeline(String jobType, List<Step> steps) {

    /** A stage and its weight (> 0). */
    public record Step(Stage stage, double weight) {
        public Step {
            Objects.requireNonNull(stage, "stage");
            if (!(weight > 0) || Double.isInfinite(weight)) throw new IllegalArgumentException("weight must be > 0: " + weight);
        }
    }

    public Pipeline {
        Objects.requireNonNull(jobType, "jobType");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) throw new IllegalArgumentException("pipeline '" + jobType + "' has no stages");
        Set<String> names = new HashSet<>();
        for (Step s : steps) {
            if (!names.add(s.stage().name())) {
                throw new IllegalArgumentException("pipeline '" + jobType + "' has two stages named '" + s.stage().name() + "'");
            }
        }
    }

    public static Builder builder(String jobType) {
        return new Builder(jobType);
    }

    public double totalWeight() {
        return steps.stream().mapToDouble(Step::weight).sum();
    }

    public static final class Builder {
        private final String jobType;
        private final List<Step> steps = new ArrayList<>();

        private Builder(String jobType) {
            this.jobType = jobType;
        }

        public Builder stage(Stage stage, double weight) {
            steps.add(new Step(stage, weight));
            return this;
        }

        public Pipeline build() {
            return new Pipeline(jobType, steps);
        }
    }
}
