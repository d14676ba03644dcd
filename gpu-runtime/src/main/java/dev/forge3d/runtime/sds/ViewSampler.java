package dev.forge3d.runtime.sds;

import java.util.Random;

/**
 * The random orbit views shared by the built-in prior's training renders and SDS, so that SDS asks the prior about
 * views like the ones it learned: elevation -10..50 degrees, any azimuth, distance 3.0..3.6, vertical fov 40..50.
 */
public final class ViewSampler {

    public static final double MIN_ELEVATION = -10, MAX_ELEVATION = 50;

    private ViewSampler() { }

    public static OrbitCamera sample(Random rnd) {
        return new OrbitCamera(MIN_ELEVATION + (MAX_ELEVATION - MIN_ELEVATION) * rnd.nextDouble(), 360 * rnd.nextDouble(),
                3.0 + 0.6 * rnd.nextDouble(), 40 + 10 * rnd.nextDouble());
    }
}
