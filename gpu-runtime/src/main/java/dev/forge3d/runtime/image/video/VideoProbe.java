package dev.forge3d.runtime.image.video;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ffprobe} says about a video's first video stream: its size as displayed (rotation applied, as FFmpeg
 * decodes it), duration and frame rate.
 */
public record VideoProbe(int width, int height, double durationSeconds, double frameRate, String codec) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static VideoProbe of(Ffmpeg tools, Path video) {
        String out;
        try {
            out = tools.probe(List.of("-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=width,height,codec_name,avg_frame_rate,r_frame_rate,duration:stream_side_data=rotation:format=duration",
                    "-of", "json", video.toString()), 60);
        } catch (VideoException e) {
            throw new VideoException("the video cannot be read (" + e.getMessage() + "); is it a complete MP4, MOV or WebM file?");
        }
        JsonNode root = JSON.readTree(out);
        JsonNode s = root.path("streams").path(0);
        if (s.isMissingNode() || s.path("width").asInt(0) <= 0) {
            throw new VideoException("the file holds no video stream that can be decoded");
        }
        int w = s.path("width").asInt(), h = s.path("height").asInt();
        int rotation = 0;
        for (JsonNode sd : s.path("side_data_list")) rotation = sd.path("rotation").asInt(rotation);
        if (Math.abs(rotation) % 180 == 90) {
            int t = w;
            w = h;
            h = t;
        }
        double duration = number(s.path("duration").asString(""), Double.NaN);
        if (!(duration > 0)) duration = number(root.path("format").path("duration").asString(""), Double.NaN);
        double fps = rate(s.path("avg_frame_rate").asString(""));
        if (!(fps > 0)) fps = rate(s.path("r_frame_rate").asString(""));
        return new VideoProbe(w, h, duration, fps, s.path("codec_name").asString("?"));
    }

    private static double rate(String r) {
        int slash = r.indexOf('/');
        if (slash < 0) return number(r, Double.NaN);
        double d = number(r.substring(slash + 1), 0);
        return d == 0 ? Double.NaN : number(r.substring(0, slash), Double.NaN) / d;
    }

    private static double number(String s, double fallback) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
