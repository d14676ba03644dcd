package dev.forge3d.runtime.image.video;

import dev.forge3d.runtime.progress.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Videos the test encodes itself with FFmpeg (H.264 in MP4, VP8 in WebM): a pan across a noise texture with a
 * pause in the middle and a few blurred frames. Skipped where FFmpeg is not installed.
 */
class VideoFramesTest {

    static final int W = 320, H = 240;
    static final int MOVING_BEFORE = 80, PAUSE = 40, MOVING_AFTER = 80, STEP = 3;
    static final int BLUR_FROM = 30, BLUR_TO = 34;
    static Ffmpeg tools;

    @BeforeAll
    static void ffmpeg() {
        Optional<Ffmpeg> f = Ffmpeg.find();
        assumeTrue(f.isPresent(), "FFmpeg is not installed (apt-get install ffmpeg): video tests skipped");
        tools = f.get();
    }

    /** Frame i's horizontal offset into the texture: moving, still during the pause, moving again. */
    static int offset(int i) {
        if (i < MOVING_BEFORE) return STEP * i;
        if (i < MOVING_BEFORE + PAUSE) return STEP * MOVING_BEFORE;
        return STEP * (i - PAUSE);
    }

    static Path encode(Path dir, String name, List<String> codec) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("src-" + name));
        Random r = new Random(5);
        int tw = W + STEP * (MOVING_BEFORE + MOVING_AFTER) + 8;
        // Value noise at two scales: blobs for the focus measure to see, and texture to measure motion on.
        float[] coarse = new float[(tw / 16 + 2) * (H / 16 + 2)];
        for (int i = 0; i < coarse.length; i++) coarse[i] = r.nextFloat();
        BufferedImage texture = new BufferedImage(tw, H, BufferedImage.TYPE_INT_RGB);
        int cw = tw / 16 + 2;
        for (int y = 0; y < H; y++) for (int x = 0; x < tw; x++) {
            float fx = x / 16f, fy = y / 16f;
            int ix = (int) fx, iy = (int) fy;
            float ax = fx - ix, ay = fy - iy;
            float c = (1 - ax) * (1 - ay) * coarse[iy * cw + ix] + ax * (1 - ay) * coarse[iy * cw + ix + 1]
                    + (1 - ax) * ay * coarse[(iy + 1) * cw + ix] + ax * ay * coarse[(iy + 1) * cw + ix + 1];
            int v = Math.max(0, Math.min(255, (int) (200 * c + 55 * r.nextFloat())));
            texture.setRGB(x, y, v << 16 | (255 - v) << 8 | (v / 2));
        }
        int n = MOVING_BEFORE + PAUSE + MOVING_AFTER;
        for (int i = 0; i < n; i++) {
            BufferedImage f = texture.getSubimage(offset(i), 0, W, H);
            if (i >= BLUR_FROM && i < BLUR_TO) f = boxBlur(f, 4);
            ImageIO.write(f, "png", frames.resolve(String.format("%04d.png", i)).toFile());
        }
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("-v", "error", "-nostdin", "-y", "-framerate", "30", "-i",
                frames.resolve("%04d.png").toString()));
        args.addAll(codec);
        args.add(out.toString());
        tools.runFfmpeg(args, 120);
        return out;
    }

    static BufferedImage boxBlur(BufferedImage src, int r) {
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) for (int x = 0; x < src.getWidth(); x++) {
            int sr = 0, sg = 0, sb = 0, n = 0;
            for (int dx = -r; dx <= r; dx++) {
                int xx = Math.max(0, Math.min(src.getWidth() - 1, x + dx));
                int p = src.getRGB(xx, y);
                sr += (p >> 16) & 255; sg += (p >> 8) & 255; sb += p & 255; n++;
            }
            dst.setRGB(x, y, (sr / n) << 16 | (sg / n) << 8 | (sb / n));
        }
        return dst;
    }

    @Test
    void anMp4BecomesSharpFramesSpacedByMotionWithNothingFromThePause(@TempDir Path tmp) throws Exception {
        Path video = encode(tmp, "pan.mp4", List.of("-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18"));
        VideoFrames.Result r = VideoFrames.extract(tools, video, tmp.resolve("out"), "pan",
                new VideoFrames.Options(100, 3072, 600), ProgressListener.NONE);

        assertThat(r.probe().width()).isEqualTo(W);
        assertThat(r.probe().frameRate()).isEqualTo(30.0);
        assertThat(r.framesDecoded()).isEqualTo(MOVING_BEFORE + PAUSE + MOVING_AFTER);
        // 160 moving frames x 3 px = 480 px of motion; the measure is approximate (compression, texture).
        assertThat(r.totalMotionPixels()).isBetween(480 * 0.7, 480 * 1.3);
        assertThat(r.frames()).hasSizeBetween(11, 22).hasSameSizeAs(r.frameIndices());
        assertThat(r.frameIndices().stream().filter(i -> i > MOVING_BEFORE && i < MOVING_BEFORE + PAUSE)).hasSizeLessThanOrEqualTo(1);
        assertThat(r.frameIndices()).noneMatch(i -> i >= BLUR_FROM && i < BLUR_TO);
        assertThat(r.chosenMedianSharpness()).isGreaterThan(0.9 * r.medianSharpness());
        for (int k = 0; k < r.frames().size(); k++) {
            Path f = r.frames().get(k);
            assertThat(f.getFileName().toString()).isEqualTo(String.format("pan_f%06d.jpg", r.frameIndices().get(k)));
            BufferedImage img = ImageIO.read(f.toFile());
            assertThat(img.getWidth()).isEqualTo(W);
            assertThat(img.getHeight()).isEqualTo(H);
        }
        // The frame written for index i is frame i: its picture matches the texture at that offset, not a neighbour's.
        int i = r.frameIndices().get(r.frameIndices().size() / 2);
        assertThat(bestOffset(ImageIO.read(r.frames().get(r.frameIndices().size() / 2).toFile()), tmp, i)).isEqualTo(offset(i));
    }

    @Test
    void aWebmWorksAndFramesAreScaledDownToTheLimit(@TempDir Path tmp) throws Exception {
        Path video = encode(tmp, "pan.webm", List.of("-c:v", "libvpx", "-b:v", "2M", "-deadline", "realtime"));
        VideoFrames.Result r = VideoFrames.extract(tools, video, tmp.resolve("out"), "w",
                new VideoFrames.Options(12, 160, 600), ProgressListener.NONE);
        assertThat(r.frames()).hasSizeBetween(8, 12);
        BufferedImage img = ImageIO.read(r.frames().get(0).toFile());
        assertThat(img.getWidth()).isEqualTo(160);
        assertThat(img.getHeight()).isEqualTo(120);
    }

    @Test
    void brokenVideosFailWithAReason(@TempDir Path tmp) throws Exception {
        Path video = encode(tmp, "pan.mp4", List.of("-c:v", "libx264", "-pix_fmt", "yuv420p"));
        byte[] all = Files.readAllBytes(video);
        Path cut = Files.write(tmp.resolve("cut.mp4"), java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> VideoFrames.extract(tools, cut, tmp.resolve("o1"), "c", new VideoFrames.Options(100, 3072, 600),
                ProgressListener.NONE)).isInstanceOf(VideoException.class).hasMessageContaining("cannot be read");
        Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video at all");
        assertThatThrownBy(() -> VideoFrames.extract(tools, text, tmp.resolve("o2"), "t", new VideoFrames.Options(100, 3072, 600),
                ProgressListener.NONE)).isInstanceOf(VideoException.class).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> VideoFrames.extract(tools, video, tmp.resolve("o3"), "l", new VideoFrames.Options(100, 3072, 5),
                ProgressListener.NONE)).isInstanceOf(VideoException.class).hasMessageContaining("at most 5 s");
    }

    /** The texture offset (over every frame's offset) whose crop is closest to {@code frame}. */
    private static int bestOffset(BufferedImage frame, Path tmp, int hint) throws IOException {
        int best = -1;
        double bestErr = Double.MAX_VALUE;
        for (int i = 0; i < MOVING_BEFORE + PAUSE + MOVING_AFTER; i++) {
            BufferedImage src = ImageIO.read(tmp.resolve("src-pan.mp4").resolve(String.format("%04d.png", i)).toFile());
            double err = 0;
            for (int y = 0; y < H; y += 4) for (int x = 0; x < W; x += 4) {
                err += Math.abs(((src.getRGB(x, y) >> 16) & 255) - ((frame.getRGB(x, y) >> 16) & 255));
            }
            if (err < bestErr) {
                bestErr = err;
                best = offset(i);
            }
        }
        return best;
    }
}
