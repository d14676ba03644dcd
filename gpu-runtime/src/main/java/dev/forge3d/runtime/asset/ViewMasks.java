package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.dataset.SceneDataset;
import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ObjectMasks;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.sfm.features.FeatureMask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The object masks of a set of views, as {@link ProductAssets#build} takes them. */
public final class ViewMasks {

    private ViewMasks() { }

    /**
     * One entry per view: its mask from {@code dir} (found by the view's name as {@link FeatureMask#maskFor} finds a
     * photo's) as coverage at the view's camera size, grown by {@link ObjectMasks#marginPx()}, or null where it has
     * none. An empty list when {@code dir} is null or no view has a mask.
     */
    public static List<float[]> of(List<View> views, Path dir) throws IOException {
        if (dir == null) return List.of();
        List<float[]> out = new ArrayList<>();
        boolean any = false;
        for (View v : views) {
            Optional<Path> file = FeatureMask.maskFor(dir, v.name());
            if (file.isEmpty()) {
                out.add(null);
                continue;
            }
            var mask = ObjectMasks.read(file.get());
            double photoAspect = (double) v.camera().width() / v.camera().height();
            double maskAspect = (double) mask.getWidth() / mask.getHeight();
            if (Math.abs(photoAspect / maskAspect - 1) > 0.02) {
                throw new IOException("the mask " + file.get().getFileName() + " (" + mask.getWidth() + "x" + mask.getHeight()
                        + ") does not have the shape of its photo " + v.name() + " (" + v.camera().width() + "x"
                        + v.camera().height() + ")");
            }
            out.add(ObjectMasks.trustedCoverage(mask, v.camera().width(), v.camera().height()));
            any = true;
        }
        return any ? out : List.of();
    }

    /**
     * The dataset with every view that has a mask in {@code dir} composited over {@code background} (the grown mask of
     * {@link #of} as coverage, kept in {@link View#coverage()}), as a job trains on an upload with masks; views without
     * one are kept as they are.
     */
    public static SceneDataset composited(SceneDataset ds, Path dir, float[] background) throws IOException {
        return new SceneDataset(ds.name(), composited(ds.train(), dir, background), composited(ds.test(), dir, background),
                ds.points(), ds.colours());
    }

    /**
     * Where a scene folder keeps the coverage of its composited images: {@code coverage/<image file stem>.png}, found
     * again by {@link FeatureMask#maskFor} whether a loader names the view by its file name (COLMAP) or by its stem
     * (transforms.json).
     */
    public static Path coverageFile(Path coverageDir, String imageFileName) {
        int dot = imageFileName.lastIndexOf('.');
        return coverageDir.resolve((dot > 0 ? imageFileName.substring(0, dot) : imageFileName) + ".png");
    }

    /**
     * The dataset with each view's coverage read from {@code coverageDir} ({@link #coverageFile}, written with
     * {@link ObjectMasks#writeCoverage} by whoever composited the image); views without a file keep none. The
     * dataset itself when the folder does not exist.
     */
    public static SceneDataset withCoverage(SceneDataset ds, Path coverageDir) throws IOException {
        if (coverageDir == null || !java.nio.file.Files.isDirectory(coverageDir)) return ds;
        return new SceneDataset(ds.name(), withCoverage(ds.train(), coverageDir), withCoverage(ds.test(), coverageDir),
                ds.points(), ds.colours());
    }

    private static List<View> withCoverage(List<View> views, Path dir) throws IOException {
        List<View> out = new ArrayList<>();
        for (View v : views) {
            Optional<Path> file = FeatureMask.maskFor(dir, v.name());
            out.add(file.isPresent() ? v.withCoverage(ObjectMasks.readCoverage(file.get(), v.image().width(), v.image().height())) : v);
        }
        return out;
    }

    /** One entry per view: its coverage, or null; an empty list when no view has one (as {@link #of} gives). */
    public static List<float[]> coverageOf(List<View> views) {
        List<float[]> out = new ArrayList<>();
        for (View v : views) out.add(v.coverage());
        return out.stream().allMatch(java.util.Objects::isNull) ? List.of() : out;
    }

    private static List<View> composited(List<View> views, Path dir, float[] background) throws IOException {
        List<float[]> masks = of(views, dir);
        if (masks.isEmpty()) return views;
        List<View> out = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            View v = views.get(i);
            float[] m = masks.get(i);
            if (m == null) {
                out.add(v);
                continue;
            }
            RgbImage img = v.image().copy();
            float[] d = img.data();
            int plane = img.pixels();
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) d[c * plane + p] = d[c * plane + p] * m[p] + background[c] * (1 - m[p]);
            }
            out.add(new View(v.name(), v.camera(), img, m));
        }
        return out;
    }
}
