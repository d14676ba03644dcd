package dev.forge3d.runtime.dataset.colmap;

import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a COLMAP text model ({@code cameras.txt}, {@code images.txt}, {@code points3D.txt}) in the layout COLMAP
 * itself writes: PINHOLE cameras, world-to-camera quaternion (w, x, y, z) and translation per image, 2D points
 * with the id of their 3D point (-1 for none), 3D points with colour, error and track.
 */
public final class ColmapTextWriter {

    /** A PINHOLE camera. */
    public record CameraEntry(int id, Intrinsics intrinsics) { }

    /**
     * @param keypoints {@code [x0, y0, x1, y1, ...]} in pixels of the (undistorted) image, pixel centres at +0.5
     * @param point3DIds the 3D point of each keypoint, or -1
     */
    public record ImageEntry(int id, String name, int cameraId, Pose pose, double[] keypoints, long[] point3DIds) { }

    /**
     * @param track pairs {@code [imageId0, point2DIdx0, imageId1, point2DIdx1, ...]}
     */
    public record PointEntry(long id, double x, double y, double z, int r, int g, int b, double error, int[] track) { }

    private ColmapTextWriter() { }

    public static void write(Path dir, List<CameraEntry> cameras, List<ImageEntry> images, List<PointEntry> points) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("cameras.txt"))) {
            w.write("# Camera list with one line of data per camera:\n");
            w.write("#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n");
            w.write("# Number of cameras: " + cameras.size() + "\n");
            for (CameraEntry c : cameras) {
                Intrinsics k = c.intrinsics();
                w.write(c.id() + " PINHOLE " + k.width() + " " + k.height() + " " + num(k.fx()) + " " + num(k.fy())
                        + " " + num(k.cx()) + " " + num(k.cy()) + "\n");
            }
        }
        long observations = 0;
        for (ImageEntry im : images) for (long id : im.point3DIds()) if (id >= 0) observations++;
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("images.txt"))) {
            w.write("# Image list with two lines of data per image:\n");
            w.write("#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n");
            w.write("#   POINTS2D[] as (X, Y, POINT3D_ID)\n");
            double mean = images.isEmpty() ? 0 : (double) observations / images.size();
            w.write("# Number of images: " + images.size() + ", mean observations per image: " + num(mean) + "\n");
            for (ImageEntry im : images) {
                if (im.name().contains(" ") || im.name().contains("\n")) {
                    throw new IllegalArgumentException("COLMAP image names cannot contain spaces: '" + im.name() + "'");
                }
                double[] q = im.pose().quaternion();
                double[] t = im.pose().translation();
                w.write(im.id() + " " + num(q[0]) + " " + num(q[1]) + " " + num(q[2]) + " " + num(q[3]) + " "
                        + num(t[0]) + " " + num(t[1]) + " " + num(t[2]) + " " + im.cameraId() + " " + im.name() + "\n");
                StringBuilder sb = new StringBuilder();
                long[] ids = im.point3DIds();
                for (int i = 0; i < ids.length; i++) {
                    if (i > 0) sb.append(' ');
                    sb.append(num(im.keypoints()[2 * i])).append(' ').append(num(im.keypoints()[2 * i + 1])).append(' ').append(ids[i]);
                }
                sb.append('\n');
                w.write(sb.toString());
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("points3D.txt"))) {
            w.write("# 3D point list with one line of data per point:\n");
            w.write("#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n");
            double meanTrack = points.isEmpty() ? 0 : points.stream().mapToInt(p -> p.track().length / 2).average().orElse(0);
            w.write("# Number of points: " + points.size() + ", mean track length: " + num(meanTrack) + "\n");
            for (PointEntry p : points) {
                StringBuilder sb = new StringBuilder();
                sb.append(p.id()).append(' ').append(num(p.x())).append(' ').append(num(p.y())).append(' ').append(num(p.z()))
                        .append(' ').append(p.r()).append(' ').append(p.g()).append(' ').append(p.b()).append(' ').append(num(p.error()));
                for (int v : p.track()) sb.append(' ').append(v);
                sb.append('\n');
                w.write(sb.toString());
            }
        }
    }

    /** Shortest text that reads back to the same double (COLMAP parses with full precision). */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%.1f", v);
        return Double.toString(v).replace("E", "e");
    }
}
