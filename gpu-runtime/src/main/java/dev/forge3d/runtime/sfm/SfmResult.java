package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.RejectedImage;
import dev.forge3d.runtime.sfm.mapper.SceneState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished reconstruction: the photos (index i of {@link #images()} is image i of {@link #scene()}), the model,
 * the files that were rejected at ingest, seconds per phase, how the model was validated, and how many matches were
 * left out because they stood still between two photos ({@link dev.forge3d.runtime.sfm.matching.StaticMatchFilter}).
 */
public record SfmResult(List<IngestedImage> images, List<RejectedImage> rejected, SceneState scene,
                        Map<String, Double> secondsPerPhase, boolean selfCalibrated, ModelReport validation,
                        long staticMatchesDropped) {

    public List<String> unregisteredImages() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) if (!scene.registered[i]) names.add(images.get(i).name());
        return names;
    }

    /** Mean reprojection error in pixels (of the distorted photos) over all observations of all points. */
    public double meanReprojectionErrorPx() {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < scene.points.length; t++) {
            if (scene.points[t] == null) continue;
            for (int k = 0; k < scene.tracks.images[t].length; k++) {
                if (!scene.active(t, k)) continue;
                sum += Math.sqrt(scene.reprojectionErrorSq(scene.points[t], scene.tracks.images[t][k], scene.px(t, k), scene.py(t, k)));
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Mean number of photos observing a point. */
    public double meanTrackLength() {
        long obs = 0, pts = 0;
        for (int t = 0; t < scene.points.length; t++) {
            if (scene.points[t] == null) continue;
            pts++;
            for (int k = 0; k < scene.tracks.images[t].length; k++) if (scene.active(t, k)) obs++;
        }
        return pts == 0 ? Double.NaN : (double) obs / pts;
    }

    public Map<String, Double> secondsPerPhase() { return new LinkedHashMap<>(secondsPerPhase); }
}
