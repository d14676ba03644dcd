package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.dataset.colmap.ColmapTextWriter;
import dev.forge3d.runtime.image.ingest.AreaResampler;
import dev.forge3d.runtime.image.ingest.IngestedImage;
import dev.forge3d.runtime.image.ingest.RejectedImage;
import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sfm.geometry.LensModel;
import dev.forge3d.runtime.sfm.mapper.SceneState;
import georegression.struct.se.Se3_F64;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link SfmResult} in the layout COLMAP's undistorter and the 3DGS loaders expect:
 * {@code out/images/} (registered photos, upright and undistorted), {@code out/sparse/0/} (PINHOLE text model)
 * and {@code out/metrics.json}.
 *
 * <p>The images and the model can be written smaller than the photos SfM measured (a job's training resolution):
 * each camera's intrinsics and each keypoint are scaled with its images, so the model stays exact for what is
 * written. SfM itself reads the photos at its own resolution, whatever the trainer wants.
 */
public final class SfmOutputWriter {

    private SfmOutputWriter() { }

    public static void write(SfmResult r, Path out, ProgressListener listener) {
        write(r, out, 0, listener);
    }

    /**
     * @param maxSide longest side of the written images (and of the model's cameras) in pixels; photos larger than
     *                that are downscaled (area average), smaller ones keep their size; 0: the photos' own size
     */
    public static void write(SfmResult r, Path out, int maxSide, ProgressListener listener) {
        if (maxSide < 0) throw new IllegalArgumentException("maxSide must be >= 0, got " + maxSide);
        long t0 = System.nanoTime();
        try {
            Path imagesDir = out.resolve("images");
            Path sparse = out.resolve("sparse").resolve("0");
            Files.createDirectories(imagesDir);
            Files.createDirectories(sparse);
            SceneState s = r.scene();
            int n = r.images().size();

            Map<LensModel, Integer> cameraIds = new IdentityHashMap<>();
            Map<LensModel, OutputSize> sizes = new IdentityHashMap<>();
            List<ColmapTextWriter.CameraEntry> cameras = new ArrayList<>();
            int[] imageId = new int[n];
            int nextImage = 1;
            for (int i = 0; i < n; i++) {
                if (!s.registered[i]) continue;
                imageId[i] = nextImage++;
                LensModel l = s.lenses.get(i);
                if (!cameraIds.containsKey(l)) {
                    OutputSize size = OutputSize.of(l.width, l.height, maxSide);
                    sizes.put(l, size);
                    cameraIds.put(l, cameras.size() + 1);
                    cameras.add(new ColmapTextWriter.CameraEntry(cameras.size() + 1, size.scale(l.undistortedIntrinsics())));
                }
            }
            // Keypoints that belong to a point, per image, in undistorted pixel coordinates.
            List<List<double[]>> kps = new ArrayList<>();
            List<List<Long>> kpPoint = new ArrayList<>();
            for (int i = 0; i < n; i++) { kps.add(new ArrayList<>()); kpPoint.add(new ArrayList<>()); }
            List<ColmapTextWriter.PointEntry> points = new ArrayList<>();
            long pid = 1;
            double[] nrm = new double[2];
            for (int t = 0; t < s.points.length; t++) {
                double[] p = s.points[t];
                if (p == null) continue;
                List<Integer> track = new ArrayList<>();
                double err = 0;
                int obs = 0;
                int[] rgb = new int[3];
                for (int k = 0; k < s.tracks.images[t].length; k++) {
                    if (!s.active(t, k)) continue;
                    int img = s.tracks.images[t][k];
                    LensModel l = s.lenses.get(img);
                    l.normalize(s.px(t, k), s.py(t, k), nrm);
                    OutputSize size = sizes.get(l);
                    kps.get(img).add(new double[] {(l.fx * nrm[0] + l.cx) * size.sx(), (l.fy * nrm[1] + l.cy) * size.sy()});
                    kpPoint.get(img).add(pid);
                    track.add(imageId[img]);
                    track.add(kps.get(img).size() - 1);
                    err += Math.sqrt(s.reprojectionErrorSq(p, img, s.px(t, k), s.py(t, k)));
                    if (obs == 0) colour(r.images().get(img), s.px(t, k), s.py(t, k), rgb);
                    obs++;
                }
                points.add(new ColmapTextWriter.PointEntry(pid++, p[0], p[1], p[2], rgb[0], rgb[1], rgb[2], err / obs,
                        track.stream().mapToInt(Integer::intValue).toArray()));
            }
            List<ColmapTextWriter.ImageEntry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!s.registered[i]) continue;
                double[] xy = new double[2 * kps.get(i).size()];
                long[] ids = new long[kps.get(i).size()];
                for (int k = 0; k < ids.length; k++) {
                    xy[2 * k] = kps.get(i).get(k)[0];
                    xy[2 * k + 1] = kps.get(i).get(k)[1];
                    ids[k] = kpPoint.get(i).get(k);
                }
                entries.add(new ColmapTextWriter.ImageEntry(imageId[i], r.images().get(i).name(), cameraIds.get(s.lenses.get(i)),
                        toPose(s.poses[i]), xy, ids));
            }
            ColmapTextWriter.write(sparse, cameras, entries, points);

            int written = 0, total = s.registeredCount();
            for (int i = 0; i < n; i++) {
                if (!s.registered[i]) continue;
                listener.checkCancelled();
                writeImage(r.images().get(i), s.lenses.get(i), sizes.get(s.lenses.get(i)), imagesDir);
                written++;
                listener.onProgress(Progress.of("sfm.write", (double) written / total, Double.NaN, written + "/" + total + " images"));
            }
            Map<String, Double> seconds = new LinkedHashMap<>(r.secondsPerPhase());
            seconds.put("write", (System.nanoTime() - t0) / 1e9);
            Files.writeString(out.resolve("metrics.json"), metricsJson(r, seconds, cameras));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + out + ": " + e.getMessage(), e);
        }
    }

    /** The metrics of a run as a JSON document (also what the CLI prints a summary of). */
    public static String metricsJson(SfmResult r, Map<String, Double> seconds, List<ColmapTextWriter.CameraEntry> cameras) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imagesGiven", r.images().size() + r.rejected().size());
        m.put("imagesRead", r.images().size());
        m.put("imagesRegistered", r.scene().registeredCount());
        m.put("unregisteredImages", r.unregisteredImages());
        List<Map<String, String>> rej = new ArrayList<>();
        for (RejectedImage x : r.rejected()) rej.add(Map.of("name", x.name(), "reason", x.reason()));
        m.put("rejectedImages", rej);
        m.put("points", r.scene().pointCount());
        m.put("meanReprojectionErrorPx", r.meanReprojectionErrorPx());
        m.put("meanTrackLength", r.meanTrackLength());
        m.put("selfCalibrated", r.selfCalibrated());
        m.put("validation", r.validation().toMap());
        List<Map<String, Object>> cams = new ArrayList<>();
        List<LensModel> seen = new ArrayList<>();
        for (LensModel l : r.scene().lenses) {
            if (seen.stream().anyMatch(x -> x == l)) continue;
            seen.add(l);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model", l.fixed ? "PINHOLE (given)" : "SIMPLE_RADIAL (self-calibrated)");
            c.put("width", l.width);
            c.put("height", l.height);
            c.put("fx", l.fx);
            c.put("fy", l.fy);
            c.put("cx", l.cx);
            c.put("cy", l.cy);
            c.put("k1", l.k1);
            cams.add(c);
        }
        m.put("cameras", cams);
        double total = 0;
        for (double v : seconds.values()) total += v;
        m.put("secondsPerPhase", seconds);
        m.put("totalSeconds", total);
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
    }

    private static void writeImage(IngestedImage im, LensModel lens, OutputSize size, Path dir) throws IOException {
        Path target = dir.resolve(im.name());
        boolean untouched = lens.k1 == 0 && im.exif().orientation() == 1 && size.isIdentity();
        if (untouched) {
            Files.copy(im.path(), target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        BufferedImage full = im.loadFullResolution();
        BufferedImage img = lens.k1 == 0 ? full : ImageUndistorter.undistort(full, lens);
        if (!size.isIdentity()) img = AreaResampler.downscaleKeepingAlpha(img, size.width(), size.height());
        String ext = im.name().toLowerCase().endsWith(".png") ? "png" : "jpg";
        if (ext.equals("png")) {
            ImageIO.write(img, "png", target.toFile());
            return;
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpg").next();
        ImageWriteParam param = w.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        Files.deleteIfExists(target);
        try (ImageOutputStream os = ImageIO.createImageOutputStream(target.toFile())) {
            w.setOutput(os);
            BufferedImage rgb = img.getType() == BufferedImage.TYPE_INT_RGB ? img : toRgb(img);
            w.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            w.dispose();
        }
    }

    /** The size a camera's images are written at, and the factors that take its pixel coordinates there. */
    record OutputSize(int width, int height, double sx, double sy) {
        static OutputSize of(int w, int h, int maxSide) {
            int longest = Math.max(w, h);
            if (maxSide == 0 || longest <= maxSide) return new OutputSize(w, h, 1, 1);
            double f = (double) maxSide / longest;
            int dw = Math.max(1, (int) Math.round(w * f)), dh = Math.max(1, (int) Math.round(h * f));
            return new OutputSize(dw, dh, (double) dw / w, (double) dh / h);
        }

        boolean isIdentity() { return sx == 1 && sy == 1; }

        /** Pixel positions (centres at +0.5) scale with the image, as the area resampler maps them. */
        Intrinsics scale(Intrinsics k) {
            return new Intrinsics(width, height, k.fx() * sx, k.fy() * sy, k.cx() * sx, k.cy() * sy);
        }
    }

    private static BufferedImage toRgb(BufferedImage src) {
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        dst.getGraphics().drawImage(src, 0, 0, null);
        return dst;
    }

    private static void colour(IngestedImage im, double x, double y, int[] rgb) {
        BufferedImage small = im.small();
        int sx = (int) Math.floor(x / im.scaleX()), sy = (int) Math.floor(y / im.scaleY());
        sx = Math.max(0, Math.min(small.getWidth() - 1, sx));
        sy = Math.max(0, Math.min(small.getHeight() - 1, sy));
        int p = small.getRGB(sx, sy);
        rgb[0] = (p >> 16) & 255;
        rgb[1] = (p >> 8) & 255;
        rgb[2] = p & 255;
    }

    /** BoofCV's world-to-view transform as a forge3d {@link Pose}. */
    public static Pose toPose(Se3_F64 worldToView) {
        double[] r = worldToView.R.data.clone();
        return new Pose(r, new double[] {worldToView.T.x, worldToView.T.y, worldToView.T.z});
    }

}
