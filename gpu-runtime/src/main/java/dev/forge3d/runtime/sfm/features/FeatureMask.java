package dev.forge3d.runtime.sfm.features;

import dev.forge3d.runtime.image.ObjectMasks;
import dev.forge3d.runtime.image.ingest.AreaResampler;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.sfm.SfmException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-photo masks for structure from motion, as COLMAP's {@code ImageReader.mask_path}: keypoints where a photo's
 * mask is black are dropped (white = the object, black = ignore). A mask is a PNG of the photo's upright size in a
 * masks folder, named {@code <photo file name>.png} (COLMAP's rule, {@code v000.jpg.png}) or
 * {@code <photo stem>.png}. Photos without a mask keep all their keypoints. The mask is area-averaged down to the
 * feature image, and a keypoint survives where its feature-image pixel is at least half white
 * ({@link #KEEP_FROM}). Thread-safe: one instance serves all extraction threads and counts what it dropped.
 */
public final class FeatureMask {

    /** Grey level (0..255) from which a mask pixel keeps the keypoints on it. */
    public static final int KEEP_FROM = 128;

    /** How many photos had a mask, and the keypoints the masks dropped (of how many extracted on those photos). */
    public record Stats(int photosMasked, long keypointsDropped, long keypointsOnMaskedPhotos) { }

    private final Path dir;
    private final AtomicInteger photos = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong seen = new AtomicLong();

    private FeatureMask(Path dir) {
        this.dir = dir;
    }

    /** No masks: every keypoint is kept. */
    public static FeatureMask none() {
        return new FeatureMask(null);
    }

    /** Masks from {@code dir} (missing masks mean "use the whole photo"); a null dir means none. */
    public static FeatureMask folder(Path dir) {
        if (dir != null && !Files.isDirectory(dir)) throw new IllegalArgumentException("masks: not a folder: " + dir);
        return new FeatureMask(dir);
    }

    /** True when a relative path names a file inside a folder called {@code masks} (at any depth). */
    public static boolean isMaskPath(String relativePath) {
        String p = relativePath.replace('\\', '/');
        return p.startsWith("masks/") || p.contains("/masks/");
    }

    /** The mask of a photo in {@code dir}: {@code <name>.png}, else {@code <stem>.png}. */
    public static Optional<Path> maskFor(Path dir, String photoName) {
        if (dir == null) return Optional.empty();
        Path full = dir.resolve(photoName + ".png");
        if (Files.isRegularFile(full)) return Optional.of(full);
        int dot = photoName.lastIndexOf('.');
        if (dot > 0) {
            Path stem = dir.resolve(photoName.substring(0, dot) + ".png");
            if (Files.isRegularFile(stem)) return Optional.of(stem);
        }
        return Optional.empty();
    }

    /** The keypoints of {@code image} that lie on white parts of its mask (all of them when it has none). */
    public ImageFeatures apply(IngestedImage image, ImageFeatures features) {
        Optional<Path> file = maskFor(dir, image.name());
        if (file.isEmpty()) return features;
        int fw = image.small().getWidth(), fh = image.small().getHeight();
        byte[] keep = resampled(file.get(), image, fw, fh);
        int n = features.size(), d = features.dimension(), k = 0;
        int[] kept = new int[n];
        for (int i = 0; i < n; i++) {
            // Feature-image pixel c covers full-resolution [c*scale, (c+1)*scale) (AreaResampler's convention).
            int c = Math.min(fw - 1, Math.max(0, (int) Math.floor(features.x()[i] / image.scaleX())));
            int r = Math.min(fh - 1, Math.max(0, (int) Math.floor(features.y()[i] / image.scaleY())));
            if ((keep[r * fw + c] & 255) >= KEEP_FROM) kept[k++] = i;
        }
        photos.incrementAndGet();
        seen.addAndGet(n);
        dropped.addAndGet(n - k);
        double[] x = new double[k], y = new double[k];
        float[] desc = new float[k * d];
        for (int j = 0; j < k; j++) {
            int i = kept[j];
            x[j] = features.x()[i];
            y[j] = features.y()[i];
            System.arraycopy(features.descriptors(), i * d, desc, j * d, d);
        }
        return new ImageFeatures(x, y, desc, d);
    }

    public Stats stats() {
        return new Stats(photos.get(), dropped.get(), seen.get());
    }

    /** The mask's grey levels at the feature image's size, row-major; refuses a mask that does not fit its photo. */
    private static byte[] resampled(Path file, IngestedImage image, int fw, int fh) {
        BufferedImage mask;
        try {
            mask = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            mask = null;
        }
        List<String> photo = List.of(image.name());
        if (mask == null) throw new SfmException("the mask " + file.getFileName() + " of " + image.name() + " is not a readable PNG", photo);
        if (mask.getWidth() != image.width() || mask.getHeight() != image.height()) {
            throw new SfmException("the mask " + file.getFileName() + " is " + mask.getWidth() + "x" + mask.getHeight()
                    + " but its photo " + image.name() + " is " + image.width() + "x" + image.height()
                    + " (upright): a mask must have its photo's size", photo);
        }
        BufferedImage small = AreaResampler.downscale(ObjectMasks.greyAsRgb(mask), fw, fh);
        int[] rgb = small.getRGB(0, 0, fw, fh, null, 0, fw);
        byte[] grey = new byte[fw * fh];
        for (int i = 0; i < rgb.length; i++) grey[i] = (byte) (rgb[i] & 255);
        return grey;
    }
}
