package dev.forge3d.runtime.image.heif;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Decodes HEIC/HEIF photos (what iPhones save) with libheif's command-line tools, {@code heif-info} and
 * {@code heif-convert} or {@code heif-dec} (Debian: {@code apt-get install libheif-examples}; from libheif 1.16 on
 * the HEVC decoder is a package of its own, {@code libheif-plugin-libde265}), found on the {@code PATH} or in the folder
 * named by {@code FORGE3D_LIBHEIF_DIR}. A separate process rather than a Java binding: the one on Maven Central for
 * Linux (NightMonkeys' imageio-heif) calls the same system libheif inside the JVM, where a decoder crash on a damaged
 * file (libheif 1.15 segfaults on some corrupt HEVC data) would take the worker with it; a process costs one photo.
 *
 * <p>The primary image is written as a lossless PNG. libheif applies the container's rotation and mirroring (irot,
 * imir) itself, so the PNG is upright, and copies the photo's EXIF into the PNG's eXIf chunk unchanged (libheif
 * 1.15). An iPhone writes the EXIF orientation too (6 for a portrait), and the HEIF specification makes irot/imir
 * the authority: applying the EXIF tag again would turn the photo twice, so it is set to 1 here.
 */
public final class HeifDecoder {

    /** Major brands of HEIF still images and sequences coded with HEVC (AVIF is the AV1 variant: not taken here). */
    private static final java.util.Set<String> BRANDS = java.util.Set.of("heic", "heix", "hevc", "hevx", "heim", "heis",
            "mif1", "msf1");
    private static final Pattern IMAGE_COUNT = Pattern.compile("File contains (\\d+) image");
    private static final Pattern IMAGE_LINE = Pattern.compile("^image: (\\d+)x(\\d+) \\(id=(\\d+)\\)(, primary)?");
    private static final long INFO_TIMEOUT_S = 30;
    private static final long DECODE_TIMEOUT_S = 180;
    /** PNG chunks before the image data larger than this are copied without being looked at. */
    private static final int MAX_EXIF_BYTES = 1 << 20;
    /** Output kept from a tool's standard output and error: enough for its message, never a flood. */
    private static final int MAX_TOOL_OUTPUT = 64 * 1024;

    private final Path heifInfo, heifConvert;
    private final long maxPixels;

    private HeifDecoder(Path heifInfo, Path heifConvert, long maxPixels) {
        this.heifInfo = heifInfo;
        this.heifConvert = heifConvert;
        this.maxPixels = maxPixels;
    }

    /** The tools, or empty when either is missing; a primary image with more pixels is refused. */
    public static Optional<HeifDecoder> find(long maxPixels) {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("FORGE3D_LIBHEIF_DIR");
        if (env != null && !env.isBlank()) dirs.add(Path.of(env));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(File.pathSeparator)) if (!d.isBlank()) dirs.add(Path.of(d));
        for (Path d : dirs) {
            Path info = d.resolve("heif-info");
            // heif-convert was renamed heif-dec in libheif 1.17 (same options and output names); either will do.
            for (String name : List.of("heif-dec", "heif-convert")) {
                Path convert = d.resolve(name);
                if (Files.isExecutable(info) && Files.isExecutable(convert)) return Optional.of(new HeifDecoder(info, convert, maxPixels));
            }
        }
        return Optional.empty();
    }

    /** Why a worker without the tools cannot take HEIC photos. */
    public static String missingReason() {
        return "HEIC/HEIF photos need libheif's tools on the worker (heif-info and heif-convert on its PATH, "
                + "e.g. apt-get install libheif-examples); or send the photos as JPEG";
    }

    /** True when the file starts with an ISOBMFF {@code ftyp} box of a HEVC-coded HEIF brand. */
    public static boolean isHeif(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(12);
            return m.length == 12 && m[4] == 'f' && m[5] == 't' && m[6] == 'y' && m[7] == 'p'
                    && BRANDS.contains(new String(m, 8, 4, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    /** The decoded primary image: its size (upright) and how many images the file holds. */
    public record Result(int width, int height, int imagesInFile, boolean exifKept) {}

    /**
     * Writes the file's primary image, upright, to {@code png} with its EXIF (orientation 1).
     *
     * @throws HeifException with the decoder's reason when the file is damaged, too large or not a HEIF image
     */
    public Result toPng(Path heif, Path png) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory(png.toAbsolutePath().getParent(), ".heif-");
        } catch (IOException e) {
            throw new HeifException("cannot create a work folder beside " + png + ": " + e.getMessage());
        }
        try {
            Path out = tmp.resolve("out.png");
            String said = new String(run(List.of(heifConvert.toString(), heif.toString(), out.toString()),
                    DECODE_TIMEOUT_S, heifConvert.getFileName().toString()), StandardCharsets.UTF_8);
            Matcher count = IMAGE_COUNT.matcher(said);
            int images = count.find() ? Integer.parseInt(count.group(1)) : 1;
            Path decoded = out;
            if (images > 1) {
                // heif-convert writes every top-level image, out-1.png, out-2.png, ..., in the order heif-info
                // lists them; heif-info marks the primary one. (Only then: heif-info costs a second per 12 MP.)
                List<Image> listed = images(heif);
                int primary = 0;
                for (int i = 0; i < listed.size(); i++) if (listed.get(i).primary()) primary = i;
                decoded = tmp.resolve("out-" + (primary + 1) + ".png");
            }
            if (!Files.isRegularFile(decoded)) throw new HeifException(heifConvert.getFileName() + " wrote no image");
            int[] size = pngSize(decoded);
            if ((long) size[0] * size[1] > maxPixels) {
                throw new HeifException("is " + size[0] + "x" + size[1] + " pixels; the limit is " + maxPixels);
            }
            Files.deleteIfExists(png);
            boolean exif = copyWithUprightExif(decoded, png);
            return new Result(size[0], size[1], images, exif);
        } catch (IOException e) {
            throw new HeifException("cannot write the decoded photo: " + e.getMessage());
        } finally {
            deleteTree(tmp);
        }
    }

    /** Width and height from a PNG's IHDR chunk. */
    private static int[] pngSize(Path png) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(png))) {
            in.skipNBytes(16);
            return new int[] {in.readInt(), in.readInt()};
        }
    }

    /** A top-level image as heif-info lists it: size after libheif's transforms (irot swaps the sides). */
    record Image(int width, int height, int id, boolean primary) {}

    List<Image> images(Path heif) {
        String info = new String(run(List.of(heifInfo.toString(), heif.toString()), INFO_TIMEOUT_S, "heif-info"),
                StandardCharsets.UTF_8);
        List<Image> images = new ArrayList<>();
        for (String line : info.split("\\R")) {
            Matcher m = IMAGE_LINE.matcher(line);
            if (m.find()) {
                images.add(new Image(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), m.group(4) != null));
            }
        }
        return images;
    }

    /** The tool's version line ({@code heif-info} prints libheif's on {@code --help}), for the doctor. */
    public String version() {
        try {
            Process p = new ProcessBuilder(heifInfo.toString(), "--help").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("libheif version: (\\S+)").matcher(new String(out, StandardCharsets.UTF_8));
            return (m.find() ? "libheif " + m.group(1) : "libheif (version unknown)") + ", " + heifConvert.getFileName();
        } catch (IOException e) {
            return "libheif (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "libheif (version unknown)";
        }
    }

    /**
     * Copies heif-convert's PNG, setting the orientation in its eXIf chunk (libheif copies the HEIF's EXIF there
     * unchanged) to 1. Returns whether the PNG has EXIF. The chunks before the image data are small; the rest is
     * streamed.
     */
    static boolean copyWithUprightExif(Path source, Path target) throws IOException {
        boolean exif = false;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(source), 1 << 16));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
            byte[] signature = in.readNBytes(8);
            if (signature.length < 8 || signature[1] != 'P' || signature[2] != 'N' || signature[3] != 'G') {
                throw new IOException("heif-convert did not write a PNG");
            }
            out.write(signature);
            while (true) {
                int length = in.readInt();
                byte[] type = in.readNBytes(4);
                String t = new String(type, StandardCharsets.US_ASCII);
                if (t.equals("IDAT") || t.equals("IEND") || length < 0 || length > MAX_EXIF_BYTES) {
                    out.write(int32(length));
                    out.write(type);
                    break; // the image data and what follows: copied as they are
                }
                byte[] data = in.readNBytes(length);
                byte[] crc = in.readNBytes(4);
                if (t.equals("eXIf")) {
                    exif = true;
                    if (ExifOrientation.resetToUpright(data)) {
                        CRC32 c = new CRC32();
                        c.update(type);
                        c.update(data);
                        crc = int32((int) c.getValue());
                    }
                }
                out.write(int32(length));
                out.write(type);
                out.write(data);
                out.write(crc);
            }
            in.transferTo(out);
        }
        return exif;
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** Runs a tool to completion; its exit status, a crash or a timeout becomes a {@link HeifException}. */
    private static byte[] run(List<String> cmd, long timeoutSeconds, String tool) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new HeifException("cannot start " + tool + ": " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            // Both pipes drained on their own threads, bounded, so neither can fill and block the tool.
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HeifException(tool + " took longer than " + timeoutSeconds + " s");
            }
            int rc = p.exitValue();
            if (rc != 0) {
                String why = rc > 128 ? "crashed (signal " + (rc - 128) + ") on the damaged image data"
                        : "failed: " + lastLine(err.join(), out.join());
                throw new HeifException(tool + " " + why);
            }
            return out.join();
        } catch (IOException e) {
            throw new HeifException(tool + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HeifException(tool + " was interrupted");
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (s) {
                byte[] kept = s.readNBytes(MAX_TOOL_OUTPUT);
                s.transferTo(OutputStream.nullOutputStream());
                f.complete(kept);
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        });
        return f;
    }

    /** The last non-empty line a tool printed (libheif's reason), trimmed to 300 characters. */
    static String lastLine(byte[] err, byte[] out) {
        String text = new String(err, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) text = new String(out, StandardCharsets.UTF_8).strip();
        String[] lines = text.split("\\R");
        String l = lines.length == 0 || lines[lines.length - 1].isBlank() ? "no message" : lines[lines.length - 1].strip();
        return l.length() > 300 ? l.substring(0, 300) + "..." : l;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder inside the job's work folder goes with it
        }
    }
}
