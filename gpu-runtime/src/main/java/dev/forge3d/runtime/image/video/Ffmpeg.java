package dev.forge3d.runtime.image.video;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * FFmpeg's command-line tools ({@code ffprobe}, {@code ffmpeg}), found on the {@code PATH} or in the folder named by
 * {@code FORGE3D_FFMPEG_DIR}. The project decodes video with them rather than with a bundled native library: they
 * are a maintained decoder for every container and codec a phone writes (Debian: {@code apt-get install ffmpeg}).
 */
public final class Ffmpeg {

    private final Path ffmpeg, ffprobe;

    private Ffmpeg(Path ffmpeg, Path ffprobe) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
    }

    /** The tools, or empty when either is missing. */
    public static Optional<Ffmpeg> find() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("FORGE3D_FFMPEG_DIR");
        if (env != null && !env.isBlank()) dirs.add(Path.of(env));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(File.pathSeparator)) if (!d.isBlank()) dirs.add(Path.of(d));
        for (Path d : dirs) {
            Path a = d.resolve("ffmpeg"), b = d.resolve("ffprobe");
            if (Files.isExecutable(a) && Files.isExecutable(b)) return Optional.of(new Ffmpeg(a, b));
        }
        return Optional.empty();
    }

    /** Why a worker without the tools cannot take a video. */
    public static String missingReason() {
        return "video input needs FFmpeg on the worker (ffmpeg and ffprobe on its PATH, e.g. apt-get install ffmpeg); "
                + "or send photos instead";
    }

    /** {@code ffprobe ARGS}: its standard output; a failure's standard error becomes the exception's message. */
    String probe(List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffprobe.toString());
        cmd.addAll(args);
        return new String(run(cmd, timeoutSeconds), StandardCharsets.UTF_8);
    }

    /** Starts {@code ffmpeg ARGS} with its standard output to read; the caller must {@link #finish} it. */
    Process start(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg.toString());
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new VideoException("cannot start ffmpeg: " + e.getMessage());
        }
    }

    /** {@code ffmpeg ARGS} to completion. */
    void runFfmpeg(List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg.toString());
        cmd.addAll(args);
        run(cmd, timeoutSeconds);
    }

    /** Waits for a process started with {@link #start}; a non-zero exit becomes a {@link VideoException}. */
    static void finish(Process p, String what, long timeoutSeconds) {
        try {
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new VideoException(what + " took longer than " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) throw new VideoException(what + " failed: " + lastLine(err));
        } catch (IOException e) {
            throw new VideoException(what + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VideoException(what + " was interrupted");
        }
    }

    private static byte[] run(List<String> cmd, long timeoutSeconds) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new VideoException("cannot start " + Path.of(cmd.get(0)).getFileName() + ": " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            // Standard error is drained on its own thread so that neither pipe can fill and block the tool.
            var err = new java.util.concurrent.CompletableFuture<byte[]>();
            Thread.ofVirtual().start(() -> {
                try {
                    err.complete(p.getErrorStream().readAllBytes());
                } catch (IOException e) {
                    err.complete(new byte[0]);
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new VideoException(Path.of(cmd.get(0)).getFileName() + " took longer than " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new VideoException(Path.of(cmd.get(0)).getFileName() + " failed: " + lastLine(err.join()));
            }
            return out;
        } catch (IOException e) {
            throw new VideoException(Path.of(cmd.get(0)).getFileName() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VideoException(Path.of(cmd.get(0)).getFileName() + " was interrupted");
        }
    }

    /** The last non-empty line of a tool's error output (where FFmpeg says what went wrong), trimmed to 300 chars. */
    static String lastLine(byte[] err) {
        String[] lines = new String(err, StandardCharsets.UTF_8).strip().split("\\R");
        String l = lines.length == 0 || lines[lines.length - 1].isBlank() ? "no message" : lines[lines.length - 1].strip();
        return l.length() > 300 ? l.substring(0, 300) + "..." : l;
    }
}
