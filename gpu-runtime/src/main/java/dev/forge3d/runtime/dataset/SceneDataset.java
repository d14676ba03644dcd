package dev.forge3d.runtime.dataset;

import java.util.List;

/**
 * Posed training and held-out views of one scene, plus optional initial points (SfM points with colours).
 *
 * @param points  xyz triples of initial points, or an empty array when the scene has none (synthetic scenes)
 * @param colours rgb triples in [0, 1] matching {@code points}
 */
public record SceneDataset(String name, List<View> train, List<View> test, float[] points, float[] colours) {

    public SceneDataset {
        train = List.copyOf(train);
        test = List.copyOf(test);
        if (train.isEmpty()) throw new IllegalArgumentException("dataset " + name + " has no training views");
        if (points.length % 3 != 0 || colours.length != points.length)
            throw new IllegalArgumentException("points and colours must be matching xyz/rgb triples");
    }

    public boolean hasPoints() { return points.length > 0; }

    /** Protocol of the 3DGS/NeRF papers: views with index % every == 0 are held out. */
    public static boolean heldOut(int index, int every) {
        return every > 0 && index % every == 0;
    }
}
