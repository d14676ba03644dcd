package dev.forge3d.api.limits;

import dev.forge3d.api.scheduling.PeriodicTask;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Deletes request buckets that have been full for a while (idle tenants, replaced limits); any replica may. */
@Component
public class ExpiredBucketSweeper extends PeriodicTask {
    private static final int BATCH = 1000;

    private final RateLimitBuckets buckets;
    private final LimitProperties props;

    public ExpiredBucketSweeper(RateLimitBuckets buckets, LimitProperties props) {
        super("rate-bucket-sweeper");
        this.buckets = buckets;
        this.props = props;
    }

    @Override
    protected Duration interval() {
        return props.bucketSweepInterval();
    }

    @Override
    protected void runOnce() {
        while (buckets.removeExpired(BATCH) == BATCH) {
            // more to delete: keep going
        }
    }
}
