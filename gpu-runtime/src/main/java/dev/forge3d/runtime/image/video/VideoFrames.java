package dev.forge3d.runtime.image.video;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A video (MP4, MOV, WebM, anything FFmpeg decodes) turned into the photos structure from motion needs: probe,
 * one pass measuring focus and motion per frame ({@link FrameAnalysis}), the choice of frames
 * ({@link KeyframeSelector}), then a second pass writing the chosen frames as JPEG at up to {@code maxSide} pixels,
 * upright (FFmpeg applies the phone's rotation flag), named {@code <prefix>_f<frame index>.jpg} so their order is the
 * video's. Progress is reported as stage {@code video}.
 */
public final class VideoFrames {

    /**
     * @param maxFrames  at most this many frames are written
     * @param maxSide    longest side of a written frame in pixels (never enlarged)
     * @param maxSeconds longer videos are refused
     */
    public record Options(int maxFrames, int maxSide, double maxSeconds) { }

    /** What was written, and the figures behind the choice (for a job's metrics). */
    public record Result(VideoProbe probe, int framesDecoded, List<Path> frames, List<Integer> frameIndices,
                         double stepPixels, double totalMotionPixels, double medianSharpness,
                         double chosenMedianSharpness, double seconds) { }

    private VideoFrames() { }

    public static Result extract(Ffmpeg tools, Path video, Path outDir, String prefix, Options o, ProgressListener listener) {
        long t0 = System.nanoTime();
        VideoProbe probe = VideoProbe.of(tools, video);
        if (probe.durationSeconds() > o.maxSeconds()) {
            throw new VideoException(String.format(Locale.ROOT, "the video is %.0f s long; at most %.0f s are accepted "
                    + "(one slow walk around the object is enough)", probe.durationSeconds(), o.maxSeconds()));
        }
        double expected = probe.durationSeconds() * probe.frameRate();
        long timeout = (long) Math.max(120, 4 * o.maxSeconds());
        FrameAnalysis analysis = FrameAnalysis.of(tools, video, probe, timeout, listener::checkCancelled, done -> {
            if (done % 10 == 0) {
                double f = expected > 0 ? Math.min(1, done / expected) : 0;
                listener.onProgress(Progress.of("video", 0.8 * f, Double.NaN, done + " frames measured"));
            }
        });
        KeyframeSelector.Selection sel = KeyframeSelector.select(analysis, KeyframeSelector.Options.defaults(o.maxFrames()));
        listener.onProgress(Progress.of("video", 0.8, Double.NaN, "writing " + sel.frames().size() + " of "
                + analysis.frames() + " frames"));
        List<Path> frames = write(tools, video, probe, sel.frames(), outDir, prefix, o.maxSide(), timeout);
        listener.onProgress(Progress.of("video", 1, 0, frames.size() + " frames chosen from " + analysis.frames()));
        double[] chosen = sel.frames().stream().mapToDouble(i -> analysis.sharpness()[i]).toArray();
        return new Result(probe, analysis.frames(), frames, sel.frames(), sel.stepPixels(), sel.totalMotionPixels(),
                median(analysis.sharpness()), median(chosen), (System.nanoTime() - t0) / 1e9);
    }

    private static List<Path> write(Ffmpeg tools, Path video, VideoProbe probe, List<Integer> indices, Path outDir,
                                    String prefix, int maxSide, long timeout) {
        try {
            Files.createDirectories(outDir);
            Path tmp = Files.createTempDirectory(outDir, ".frames-");
            String select = indices.stream().map(i -> "eq(n\\," + i + ")").collect(Collectors.joining("+"));
            String filter = "select='" + select + "'";
            int longest = Math.max(probe.width(), probe.height());
            if (longest > maxSide) {
                double f = (double) maxSide / longest;
                filter += ",scale=" + Math.max(2, Math.round(probe.width() * f)) + ":" + Math.max(2, Math.round(probe.height() * f))
                        + ":flags=area";
            }
            tools.runFfmpeg(List.of("-v", "error", "-nostdin", "-i", video.toString(), "-map", "0:v:0", "-vf", filter,
                    "-fps_mode", "passthrough", "-q:v", "2", tmp.resolve("f_%06d.jpg").toString()), timeout);
            List<Path> written;
            try (var s = Files.list(tmp)) {
                written = s.sorted().toList();
            }
            if (written.size() != indices.size()) {
                throw new VideoException("FFmpeg wrote " + written.size() + " of the " + indices.size()
                        + " frames chosen; the video may be damaged near its end");
            }
            List<Path> out = new ArrayList<>();
            for (int k = 0; k < written.size(); k++) {
                Path target = outDir.resolve(String.format(Locale.ROOT, "%s_f%06d.jpg", prefix, indices.get(k)));
                Files.move(written.get(k), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                out.add(target);
            }
            Files.delete(tmp);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
